#include "core/sessions/token_service.hpp"

#include <algorithm>

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"
#include "core/sessions/refresh_token_key.hpp"

namespace authd {

bool principal::has_role(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

token_service::token_service(unit_of_work& uow, token_codec& codec, secret_digest& digest, random_source& rng,
                             const clock& clk, token_settings settings, session_view* view)
    : uow_(uow), codec_(codec), digest_(digest), rng_(rng), clock_(clk), settings_(settings), view_(view) {}

void token_service::end_session(repositories& repos, std::string_view session_id, time_point now) {
    repos.sessions.revoke(session_id, now);
    if (view_) view_->forget(session_id);
}

seconds token_service::access_ttl(principal_type type) const {
    return type == principal_type::agent ? settings_.agent_access_ttl : settings_.user_access_ttl;
}

std::string token_service::issue_access(std::string_view principal_id, principal_type type, std::string_view session_id,
                                        const std::vector<std::string>& roles) {
    const auto now = clock_.now();
    return codec_.sign(access_claims{std::string(principal_id), type, std::string(session_id), roles, now,
                                     now + access_ttl(type), uuid_v4(rng_)});
}

std::string token_service::issue_refresh(repositories& repos, std::string_view session_id, time_point session_start) {
    const auto now = clock_.now();
    // Each refresh slides the session's end, but never past its absolute lifetime.
    const auto ends = std::min(now + settings_.refresh_ttl, session_start + settings_.session_max);
    std::string token = new_refresh_token(rng_, now);
    repos.sessions.insert_refresh_token(
        refresh_token{refresh_token_key(digest_, token), std::string(session_id), now, ends, {}});
    repos.sessions.touch(session_id, now, ends);
    return token;
}

token_pair token_service::start_session(repositories& repos, std::string_view principal_id, principal_type type,
                                        const std::vector<std::string>& roles, const client_info& from) {
    const auto now = clock_.now();
    session s{uuid_v4(rng_),
              std::string(principal_id),
              type,
              now,
              now,
              now + settings_.refresh_ttl,
              {},
              printable_utf8_prefix(from.user_agent, 255),
              printable_utf8_prefix(from.ip, 64)};
    repos.sessions.insert(s);
    token_pair pair;
    pair.refresh_token = issue_refresh(repos, s.id, now);
    pair.access_token = issue_access(principal_id, type, s.id, roles);
    pair.expires_in = access_ttl(type);
    pair.session_id = s.id;
    return pair;
}

namespace {
/// The roles a principal holds now, or nothing when it may no longer sign in.
std::optional<std::vector<std::string>> current_roles(repositories& repos, const session& s) {
    if (s.type == principal_type::user) {
        auto u = repos.users.find_by_id(s.principal_id);
        if (!u || !u->is_active) return std::nullopt;
        return u->roles;
    }
    auto a = repos.agents.find_by_id(s.principal_id);
    if (!a || !a->active()) return std::nullopt;
    return std::vector<std::string>{"agent"};
}
}  // namespace

result<token_pair> token_service::refresh(std::string_view presented) {
    const std::string digest = refresh_token_key(digest_, presented);
    return write_tx(uow_, [&](repositories& repos) -> result<token_pair> {
        const auto now = clock_.now();
        const auto token = repos.sessions.find_refresh_token(digest);
        if (!token || token->expires_at <= now)
            return fail(errc::invalid_refresh_token, "Unknown or expired refresh token.");
        const auto s = repos.sessions.find(token->session_id);
        if (!s) return fail(errc::invalid_refresh_token, "Unknown or expired refresh token.");

        // A token rotated outside the grace window is being replayed: someone
        // else may hold it, so the whole session ends (OAuth 2.0 Security BCP 4.14).
        const bool rotated = token->rotated_at || !repos.sessions.mark_rotated(digest, now);
        if (rotated) {
            // Strictly less than the grace: a grace of 0 allows no reuse at all, and a grace of N seconds never
            // more than N (times are whole seconds, so the window may close up to a second early, never late).
            const auto rotated_at = token->rotated_at.value_or(now);
            if (now - rotated_at >= settings_.reuse_grace) {
                end_session(repos, s->id, now);
                record(repos,
                       {.type = audit_type::refresh_token_reused,
                        .outcome = audit_outcome::failure,
                        .principal_id = s->principal_id,
                        .actor_id = {},
                        .detail = "session " + s->id},
                       now);
                return fail(errc::refresh_token_reused, "This refresh token was already used; the session is revoked.");
            }
        }
        if (!s->live(now)) return fail(errc::invalid_refresh_token, "The session has ended.");
        if (now - s->created_at >= settings_.session_max) {
            end_session(repos, s->id, now);
            return fail(errc::invalid_refresh_token, "The session reached its maximum lifetime; sign in again.");
        }
        const auto roles = current_roles(repos, *s);
        if (!roles) {
            end_session(repos, s->id, now);
            return fail(errc::invalid_refresh_token, "The account can no longer sign in.");
        }
        token_pair pair;
        pair.refresh_token = issue_refresh(repos, s->id, s->created_at);
        pair.access_token = issue_access(s->principal_id, s->type, s->id, *roles);
        pair.expires_in = access_ttl(s->type);
        pair.session_id = s->id;
        return pair;
    });
}

result<principal> token_service::authenticate(std::string_view access_token) {
    auto claims = verify(access_token);
    if (!claims) return claims.error();
    return authenticate(std::move(claims.value()));
}

result<access_claims> token_service::verify(std::string_view access_token) {
    auto claims = codec_.verify(access_token, clock_.now());
    if (!claims) return fail(errc::unauthenticated, "The access token is missing, invalid or expired.");
    return std::move(*claims);
}

namespace {
principal principal_of(access_claims&& claims, time_point signed_in_at) {
    return principal{.id = std::move(claims.subject),
                     .type = claims.type,
                     .session_id = std::move(claims.session_id),
                     .roles = std::move(claims.roles),
                     .expires_at = claims.expires_at,
                     .signed_in_at = signed_in_at,
                     .issued_at = claims.issued_at};
}

bool same_owner(const live_session& s, const access_claims& claims) {
    return s.principal_id == claims.subject && s.type == claims.type;
}
}  // namespace

std::optional<principal> token_service::authenticate_from_memory(const access_claims& claims) const {
    if (!view_) return std::nullopt;
    const auto s = view_->find(claims.session_id, clock_.now());
    if (!s || !same_owner(*s, claims)) return std::nullopt;
    return principal_of(access_claims(claims), s->created_at);
}

result<principal> token_service::authenticate(access_claims&& claims) {
    if (auto known = authenticate_from_memory(claims)) return std::move(*known);
    return authenticate_from_store(std::move(claims));
}

result<access_claims> token_service::verify_unless_ended(std::string_view access_token) {
    auto claims = verify(access_token);
    if (claims && view_ && view_->known_ended(claims->session_id)) return session_ended();
    return claims;
}

result<principal> token_service::authenticate_from_store(access_claims&& claims) {
    const auto now = clock_.now();
    bool revoked_or_gone = false;
    const auto live = read_tx(uow_, [&](repositories& repos) -> std::optional<live_session> {
        const auto s = repos.sessions.find(claims.session_id);
        revoked_or_gone = !s || s->revoked_at;
        if (!s || !s->live(now)) return std::nullopt;
        return live_session{s->principal_id, s->type, s->created_at, s->expires_at};
    });
    if (!live) {
        // Revoked or gone is final, and was read after the commit that did it: safe to keep. Past its end by this
        // instance's clock is not kept (an instance whose clock is behind may still refresh it, moving the end), nor
        // is a session live for another principal than the token's.
        if (revoked_or_gone && view_) view_->remember_ended(claims.session_id);
        return session_ended();
    }
    if (!same_owner(*live, claims)) return session_ended();
    const auto signed_in_at = live->created_at;
    if (view_) view_->remember(claims.session_id, *live);
    return principal_of(std::move(claims), signed_in_at);
}

failure reauthentication_required() {
    return fail(errc::reauthentication_required,
                "Changing a sign-in factor needs a recent sign-in: sign in again, or give the password.");
}

bool signed_in_recently(const principal& who, time_point now, seconds window) {
    return now - who.signed_in_at <= window;
}

outcome token_service::logout(const principal& who) {
    uow_.write([&](repositories& repos) {
        const auto now = clock_.now();
        end_session(repos, who.session_id, now);
        record(repos, {.type = audit_type::logout, .principal_id = who.id, .detail = "session " + who.session_id}, now);
    });
    return success();
}

void token_service::logout_all(std::string_view principal_id) {
    uow_.write([&](repositories& repos) {
        // The account's row first, as every other path that ends sessions takes it: a second step finishing now
        // (it holds that row) either makes its session before this ends them all, or finds its challenge ended.
        repos.users.lock_by_id(principal_id);
        revoke_all(repos, principal_id);
        record(repos, {.type = audit_type::logout_all, .principal_id = principal_id}, clock_.now());
    });
}

void token_service::revoke_all(repositories& repos, std::string_view principal_id) {
    const auto now = clock_.now();
    repos.sessions.revoke_all(principal_id, now);
    repos.challenges.end_all(principal_id, now);  // a login waiting for its second factor would be a new session
    if (view_) view_->forget_principal(principal_id);
}

void token_service::revoke_others(repositories& repos, std::string_view principal_id, std::string_view kept) {
    const auto now = clock_.now();
    for (const auto& s : repos.sessions.list_active(principal_id, now))
        if (s.id != kept) end_session(repos, s.id, now);
    repos.challenges.end_all(principal_id, now);
}

std::vector<session> token_service::sessions_of(std::string_view principal_id) {
    const auto now = clock_.now();
    return read_tx(uow_, [&](repositories& repos) { return repos.sessions.list_active(principal_id, now); });
}

outcome token_service::revoke_session(const principal& who, std::string_view session_id) {
    if (!is_uuid(session_id)) return fail(errc::not_found, "No such session.");
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        const auto now = clock_.now();
        const auto s = repos.sessions.find(session_id);
        if (!s || s->principal_id != who.id || s->type != who.type || !s->live(now))
            return fail(errc::not_found, "No such session.");
        end_session(repos, s->id, now);
        record(repos, {.type = audit_type::session_revoked, .principal_id = who.id, .detail = "session " + s->id}, now);
        return success();
    });
}

}  // namespace authd
