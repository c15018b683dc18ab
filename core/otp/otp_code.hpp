#pragma once
#include <optional>
#include <string>

#include "core/common/time.hpp"

namespace authd {

enum class delivery_method { sms, email };

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
