#pragma once
// The audit trail: one row per security event, written in the transaction of the change it records, so that the
// trail never shows what did not happen and never misses what did. Rows carry who, from where and how it ended;
// never a secret (no password, code, token or e-mail address typed at a login).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

enum class audit_type {
    sign_in,                 ///< a password, OTP or second-factor step; failure: wrong secret, locked, disabled
    account_locked,          ///< this failure locked the account
    refresh_token_reused,    ///< a rotated refresh token came back: its session was revoked
    logout,                  ///< one session ended by its owner
    logout_all,              ///< every session ended by their owner
    session_revoked,         ///< one of the owner's other sessions ended from the devices list
    password_reset,          ///< set with an e-mailed link
    password_changed,        ///< by its owner (failure: wrong current password) or by an operator
    email_change_requested,  ///< a confirmation link went to the new address
    email_changed,           ///< the link was used
    mfa_enabled,
    mfa_disabled,
    recovery_code_used,
    account_registered,  ///< a user or client signed up
    account_created,     ///< by an operator
    account_enabled,
    account_disabled,
    account_deleted,
    roles_changed,     ///< detail: the new roles
    account_unlocked,  ///< the login lockout cleared by an admin or operator
    sessions_revoked,  ///< every session of an account ended by an admin or operator
    agent_registered,
    agent_status_changed,  ///< detail: the new status (active, suspended)
    signing_key_rotated,   ///< a new key signs access tokens; detail: its kid
};
inline constexpr audit_type all_audit_types[] = {audit_type::sign_in,
                                                 audit_type::account_locked,
                                                 audit_type::refresh_token_reused,
                                                 audit_type::logout,
                                                 audit_type::logout_all,
                                                 audit_type::session_revoked,
                                                 audit_type::password_reset,
                                                 audit_type::password_changed,
                                                 audit_type::email_change_requested,
                                                 audit_type::email_changed,
                                                 audit_type::mfa_enabled,
                                                 audit_type::mfa_disabled,
                                                 audit_type::recovery_code_used,
                                                 audit_type::account_registered,
                                                 audit_type::account_created,
                                                 audit_type::account_enabled,
                                                 audit_type::account_disabled,
                                                 audit_type::account_deleted,
                                                 audit_type::roles_changed,
                                                 audit_type::account_unlocked,
                                                 audit_type::sessions_revoked,
                                                 audit_type::agent_registered,
                                                 audit_type::agent_status_changed,
                                                 audit_type::signing_key_rotated};
std::string_view to_string(audit_type t) noexcept;
std::optional<audit_type> parse_audit_type(std::string_view text) noexcept;

enum class audit_outcome { success, failure };
std::string_view to_string(audit_outcome o) noexcept;
std::optional<audit_outcome> parse_audit_outcome(std::string_view text) noexcept;

/// The actor of what an operator does with `authd admin` on the host.
inline constexpr std::string_view operator_actor = "operator";

struct audit_event {
    std::int64_t id = 0;  ///< numbered by the database: the order events were written in
    time_point at{};
    audit_type type{};
    audit_outcome outcome = audit_outcome::success;
    std::string principal_id;  ///< the account it is about; empty when none is known (a login for an unknown e-mail)
    std::string actor_id;      ///< who acted: the principal itself, an admin, "operator"; empty when nobody signed in
    std::string ip;            ///< the client's address; empty off the network (a command, a background task)
    std::string user_agent;
    std::string request_id;
    std::string detail;  ///< what else an investigator needs and is no secret: a sign-in's method, the new roles
};

/// Where the current request came from. The HTTP adapter sets it for the span of one handler on the thread that
/// runs it (as a logging context would), so that every event a service records in that request carries it without
/// threading it through every call.
struct request_origin {
    std::string ip;
    std::string user_agent;
    std::string request_id;
};

/// Makes `origin` the current one on this thread until destroyed (then the previous one is current again).
class origin_scope {
public:
    explicit origin_scope(request_origin origin);
    ~origin_scope();
    origin_scope(const origin_scope&) = delete;
    origin_scope& operator=(const origin_scope&) = delete;

private:
    request_origin origin_;
    const request_origin* previous_;
};

/// The origin of the request this thread is serving; empty values outside any.
const request_origin& current_origin() noexcept;

/// What the admin list asks for: newest first, optionally only one principal, one type, a span of time.
struct audit_query {
    int page = 0;
    int size = 50;
    std::optional<std::string> principal_id = {};
    std::optional<audit_type> type = {};
    std::optional<time_point> since = {};  ///< at or after
    std::optional<time_point> until = {};  ///< before
};

}  // namespace authd
