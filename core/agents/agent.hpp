#pragma once
#include <optional>
#include <string>

#include "core/common/time.hpp"

namespace authd {

/// A field agent who signs in with a one-time code sent to their phone.
struct agent {
    std::string id;            ///< UUID v4
    std::string phone_number;  ///< E.164, unique
    std::string country_code;  ///< "+212" or "+33"
    std::string first_name;
    std::string last_name;
    std::string email;           ///< lower-cased, unique; the backup channel for codes
    std::string license_number;  ///< 6 random digits, unique, immutable
    std::optional<std::string> agency_id;
    std::string status = "active";  ///< active or suspended
    time_point created_at{};
    time_point updated_at{};

    bool active() const { return status == "active"; }
};

}  // namespace authd
