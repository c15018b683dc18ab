#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

enum class delivery_method { sms, email };

inline std::string_view to_string(delivery_method m) { return m == delivery_method::email ? "email" : "sms"; }
inline std::optional<delivery_method> parse_delivery_method(std::string_view text) {
    if (text == "sms") return delivery_method::sms;
    if (text == "email") return delivery_method::email;
    return std::nullopt;
}

/// A one-time code at rest: only its digest is kept.
struct otp_code {
    std::string id;
    std::string phone_number;  ///< E.164
    std::string code_digest;
    delivery_method method = delivery_method::sms;
    time_point created_at{};
    time_point expires_at{};
    std::optional<time_point> consumed_at;  ///< used, replaced by a newer code, or voided by a lock
};

}  // namespace authd
