#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/ports/token_codec.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/sessions/session_view.hpp"

namespace authd {

struct token_settings {
    seconds user_access_ttl = std::chrono::minutes{15};
    seconds agent_access_ttl = std::chrono::hours{24};
    seconds refresh_ttl = std::chrono::days{7};
    /// A rotated refresh token still works for less than this after its rotation, so
    /// that two tabs refreshing at once do not log the user out. 0: never.
    seconds reuse_grace = seconds{10};
    /// However often it is refreshed, a session ends this long after its sign-in.
    seconds session_max = std::chrono::days{30};
};

struct token_pair {
    std::string access_token;
    std::string refresh_token;
    seconds expires_in{};
    std::string session_id;
};

/// Who is calling, as proven by a live access token.
struct principal {
    std::string id;
    principal_type type{};
    std::string session_id;
    std::vector<std::string> roles;
    time_point expires_at{};
    time_point signed_in_at{};  ///< when its session began: the full sign-in, every factor passed (refresh keeps it)
    time_point issued_at{};     ///< when this access token was signed

    bool has_role(std::string_view role) const;
};

/// 403 reauthentication_required: changing how an account signs in needs more than an access token that may have
/// been stolen.
failure reauthentication_required();
/// Whether `who` signed in fully within `window` before `now`.
bool signed_in_recently(const principal& who, time_point now, seconds window);

/// A live token whose account has since been deleted: 401, as for any token that proves nobody.
inline failure account_gone() { return fail(errc::unauthenticated, "The account of this token no longer exists."); }
inline failure session_ended() { return fail(errc::unauthenticated, "The session of this access token has ended."); }

/// Where a login came from, kept on the session for the owner's session list.
struct client_info {
    std::string user_agent;
    std::string ip;
};

/// Sessions and tokens, shared by every kind of principal.
class token_service {
public:
    /// `view`: sessions known to be live, consulted before the database (null: every check reads the database).
    token_service(unit_of_work& uow, token_codec& codec, secret_digest& digest, random_source& rng, const clock& clk,
                  token_settings settings, session_view* view = nullptr);

    /// Opens a session and issues its first pair, inside the caller's transaction.
    token_pair start_session(repositories& repos, std::string_view principal_id, principal_type type,
                             const std::vector<std::string>& roles, const client_info& from);

    /// Exchanges a refresh token for a new pair (rotation; reuse detection).
    result<token_pair> refresh(std::string_view presented);

    /// Checks an access token: signature, claims, and that its session is still live.
    result<principal> authenticate(std::string_view access_token);
    /// The first half of authenticate(): signature and claims only, no storage. Cheap enough for the network
    /// threads, which use it to decide on rate limits before a request takes a worker.
    result<access_claims> verify(std::string_view access_token);
    /// verify(), and refused as authenticate() would refuse it when this instance already read that the token's
    /// session has ended: a revoked token is then no one's, without a database read. Never blocks.
    result<access_claims> verify_unless_ended(std::string_view access_token);
    /// The second half: claims from verify(), checked against their session.
    result<principal> authenticate(access_claims&& claims);
    /// The second half from memory only: the principal when the session view knows the session is live, nothing
    /// when only the database can tell (then call authenticate). Never blocks: the network threads call it.
    std::optional<principal> authenticate_from_memory(const access_claims& claims) const;
    /// The second half from the database only, which then puts the live session in the view: for claims whose
    /// session authenticate_from_memory() just did not find.
    result<principal> authenticate_from_store(access_claims&& claims);

    outcome logout(const principal& who);
    void logout_all(std::string_view principal_id);
    /// Revokes every session of a principal inside the caller's transaction (disable, delete, a password reset),
    /// and ends its logins still waiting for a second factor: none of them may then become a session.
    void revoke_all(repositories& repos, std::string_view principal_id);
    /// Revokes every session of a principal but `kept` (the caller's own), inside the caller's transaction, and
    /// ends its logins still waiting for a second factor.
    void revoke_others(repositories& repos, std::string_view principal_id, std::string_view kept);

    /// The live sessions of a principal, oldest first: its "devices" list.
    std::vector<session> sessions_of(std::string_view principal_id);
    /// Revokes one of the caller's own sessions. Another principal's session, an ended one and an
    /// unknown id all answer not_found alike, so that session ids cannot be probed.
    outcome revoke_session(const principal& who, std::string_view session_id);

    const token_settings& settings() const { return settings_; }

private:
    seconds access_ttl(principal_type type) const;
    /// Revokes one session, in storage and in the session view: every revocation of one session goes through here.
    void end_session(repositories& repos, std::string_view session_id, time_point now);
    std::string issue_access(std::string_view principal_id, principal_type type, std::string_view session_id,
                             const std::vector<std::string>& roles);
    std::string issue_refresh(repositories& repos, std::string_view session_id, time_point session_start);

    unit_of_work& uow_;
    token_codec& codec_;
    secret_digest& digest_;
    random_source& rng_;
    const clock& clock_;
    token_settings settings_;
    session_view* view_;
};

}  // namespace authd
