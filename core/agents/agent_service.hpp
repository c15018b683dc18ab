#pragma once
#include <optional>
#include <string>

#include "core/agents/agent.hpp"
#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/random.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/sessions/token_service.hpp"

namespace authd {

struct agent_registration {
    std::string phone_number;
    std::string country_code;
    std::string first_name;
    std::string last_name;
    std::string email;
};

struct agent_changes {
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> email;
};

/// Agents' accounts: registration with a unique license number, and their own profile.
class agent_service {
public:
    /// `reauth_window`: how recent a sign-in must be to change the e-mail that backs up the phone.
    /// `phone_proof` (AGENT_PHONE_PROOF): new agents are pending until they verify a code sent by SMS.
    agent_service(unit_of_work& uow, random_source& rng, const clock& clk,
                  seconds reauth_window = std::chrono::minutes{10}, bool phone_proof = false);

    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<agent> register_agent(const agent_registration& r, validator found = {});
    result<agent> find(std::string_view id);
    /// The caller's own account; account_gone() when it was deleted after the token was issued.
    result<agent> current_agent(const principal& who);
    /// A new e-mail (which can receive the agent's codes) needs a sign-in within the reauthentication window:
    /// reauthentication_required otherwise.
    result<agent> update_profile(const principal& who, agent_changes changes, validator found = {});

private:
    unit_of_work& uow_;
    random_source& rng_;
    const clock& clock_;
    seconds reauth_window_;
    bool phone_proof_;
};

}  // namespace authd
