#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

/// A suspended agent cannot sign in, and its sessions end when it is suspended. A pending agent registered while
/// AGENT_PHONE_PROOF is on: it becomes active when it verifies a code sent by SMS to its number.
enum class agent_status { active, suspended, pending };

/// "active", "suspended", "pending"
std::string_view to_string(agent_status s) noexcept;
std::optional<agent_status> parse_agent_status(std::string_view text) noexcept;

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
    agent_status status = agent_status::active;
    time_point created_at{};
    time_point updated_at{};

    bool active() const { return status == agent_status::active; }
};

}  // namespace authd
