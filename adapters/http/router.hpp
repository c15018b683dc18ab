#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/message.hpp"
#include "adapters/json/json.hpp"
#include "core/common/validation.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

/// Where a handler runs. Password hashing has a pool of its own, so that a login flood cannot delay token
/// validation; what touches no database and takes microseconds (liveness, metrics) answers on the I/O thread,
/// so that a full queue or a stuck database never makes a probe wait.
enum class pool_kind { normal, hashing, io_thread };

/// What a route does with a request body.
enum class body_kind {
    none,
    json_object,  ///< parsed before the handler runs: 400 malformed_json unless it is a JSON object
    json_text,    ///< the handler reads it itself (size limits first, or a body that may be absent)
    form,         ///< an HTML form (application/x-www-form-urlencoded): the handler reads request::form_param
};

/// What a route requires of its caller, declared in one place: the route table.
struct access_rule {
    bool authenticated = false;
    std::vector<std::string> any_role = {};        ///< empty: any authenticated principal
    std::optional<principal_type> principal = {};  ///< e.g. only agents
};

/// Which rate limits a route counts against (API.md "Conventions").
enum class rate_class {
    standard,     ///< RATE_LIMIT_PER_MINUTE per user when signed in, else per IP
    credential,   ///< also AUTH_RATE_LIMIT_PER_MINUTE per IP: register, login, OTP, MFA, refresh
    none,         ///< health and metrics: probes must never be turned away
    token_check,  ///< validate: standard, but not counted from TRUSTED_PROXIES (a gateway's auth_request)
};

/// A token verified on the network thread, kept with its claims for the pool's handler.
struct verified_token {
    std::string token;
    access_claims claims;
};

/// What a handler gets: the request, the caller on authenticated routes, and on json_object routes the parsed body
/// with a validator that collects every bad field (the core adds its own findings to it).
struct exchange {
    request& req;
    const principal* caller = nullptr;
    std::optional<json::object_reader> body = {};
    validator found = {};
    /// A token the route's quick handler verified before it left the request to the pool (its session was not in
    /// memory), and its claims: the handler takes them rather than check the same signature a second time. A request
    /// is judged by its token as it was when it arrived, as on authenticated routes (admission verifies those).
    std::optional<verified_token> verified = {};

    const principal& who() const { return *caller; }

    // The body's members, with a wrong type reported to `found` (json::object_reader says how each reads).
    std::optional<std::string> string(std::string_view key) { return body->string(key, found); }
    std::optional<std::string> required_string(std::string_view key) { return body->required_string(key, found); }
    std::optional<bool> boolean(std::string_view key) { return body->boolean(key, found); }
    std::optional<std::vector<std::string>> strings(std::string_view key) { return body->strings(key, found); }
    bool is_null(std::string_view key) const { return body->is_null(key); }

    /// The claims of `token`: those the quick handler found for this very token, else verified now.
    result<access_claims> verify(token_service& tokens, std::string_view token) {
        auto handed = std::exchange(verified, std::nullopt);
        if (handed && handed->token == token) {
            missed_session = handed->claims.session_id;
            return std::move(handed->claims);
        }
        return tokens.verify(token);
    }
    /// The caller of claims from verify(): its session from memory or the database; from the database only when the
    /// quick handler missed it in memory a moment ago.
    result<principal> authenticate(token_service& tokens, access_claims&& claims) {
        const auto missed = std::exchange(missed_session, std::nullopt);
        if (missed == claims.session_id) return tokens.authenticate_from_store(std::move(claims));
        return tokens.authenticate(std::move(claims));
    }

    /// The session of claims verify() took from the quick handler, which did not find it in memory. Not for handlers.
    std::optional<std::string> missed_session = {};
};

using route_handler = std::function<response(exchange&)>;
/// A handler's fast path on the network thread: the answer when it needs nothing that blocks (no database), nothing
/// when the request must go to the route's pool and its handler after all.
using quick_handler = std::function<std::optional<response>(exchange&)>;

/// One route, described once; the pipeline, the metrics and the route test read everything from here.
struct route {
    std::string method;
    std::string path;  ///< "/api/events/:eventId"
    access_rule access = {};
    pool_kind pool = pool_kind::normal;
    body_kind body = body_kind::none;  ///< 415 for a body of another Content-Type
    rate_class limits = rate_class::standard;
    std::string metric = {};  ///< the kind under which authd_auth_results_total counts its outcomes, if any
    route_handler handler = {};
    quick_handler quick = {};  ///< tried first, on the network thread (validate answers from the session view)
};

struct route_match {
    const route* found = nullptr;      ///< null: 404 or 405
    std::vector<std::string> allowed;  ///< for 405: the methods the path has
};

class router {
public:
    void add(route r);
    /// Matches and fills req.path_params.
    route_match match(request& req) const { return match(req.method, req); }
    /// The same for another method than the request's own (a CORS preflight asks about the one it names).
    route_match match(std::string_view method, request& req) const;
    const std::vector<route>& routes() const { return routes_; }

private:
    std::vector<route> routes_;
    /// Each route's pattern, split once at add(): matching runs on every request.
    std::vector<std::vector<std::string>> patterns_;
};

}  // namespace authd::http
