#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/agents/agent.hpp"
#include "core/common/paging.hpp"
#include "core/common/result.hpp"
#include "core/ports/clock.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

/// What an administrator does to other accounts (users and agents). The admin role itself is
/// checked by the HTTP route table; these are the rules that follow from each change.
class user_admin_service {
public:
    user_admin_service(unit_of_work& uow, token_service& tokens, const clock& clk);

    result<page_of<user>> list_users(page_query q);
    result<user> find_user(std::string_view id);
    // `actor` is the admin acting. Every change that takes something away (disabling, deleting, demoting, ending
    // sessions, unlocking, an agent's status) checks in its transaction that the actor is still an active admin,
    // whatever its token says (403 forbidden). Nobody disables, deletes or demotes their own account (409
    // own_account): so an admin always remains, even when two admins act on each other at once.

    /// Disabling ends every session of the user at once; enabling lets them sign in again.
    result<user> set_active(const principal& actor, std::string_view id, bool active);
    /// Deletes the user and ends every session of it.
    outcome remove_user(const principal& actor, std::string_view id);
    /// Replaces the roles: at least one, each from known_roles(). Taking a role away ends the
    /// user's sessions, so that no live token keeps a privilege the user lost.
    result<user> set_roles(const principal& actor, std::string_view id, std::vector<std::string> roles);
    /// Ends every session of the user without disabling the account.
    outcome revoke_sessions(const principal& actor, std::string_view id);
    /// Clears the login lockout: the failure count and any lock.
    outcome unlock(const principal& actor, std::string_view id);

    result<page_of<agent>> list_agents(page_query q);
    /// `active` or `suspended`; suspending ends every session of the agent at once.
    result<agent> set_agent_status(const principal& actor, std::string_view id, std::string_view status);

private:
    /// Locks the actor's and the target's rows (in id order, so that two admins acting on each other take turns)
    /// and checks the rules above; the target's row, or the failure.
    result<user> lock_for_change(repositories& r, const principal& actor, std::string_view id);

    unit_of_work& uow_;
    token_service& tokens_;
    const clock& clock_;
};

}  // namespace authd
