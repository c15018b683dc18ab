#include "core/agents/agent.hpp"

#include <initializer_list>

namespace authd {

std::string_view to_string(agent_status s) noexcept {
    switch (s) {
        case agent_status::active: return "active";
        case agent_status::suspended: return "suspended";
        case agent_status::pending: return "pending";
    }
    return "";
}

std::optional<agent_status> parse_agent_status(std::string_view text) noexcept {
    for (const auto s : {agent_status::active, agent_status::suspended, agent_status::pending})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

}  // namespace authd
