#include "adapters/http/pipeline.hpp"

#include <algorithm>
#include <array>
#include <random>

#include <arpa/inet.h>

#include "adapters/http/body.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/responses.hpp"
#include "core/audit/audit_event.hpp"
#include "core/common/encoding.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd::http {
namespace {
/// A client's X-Request-Id is echoed when it is short and plain; otherwise we make one.
bool sane_request_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == ':';
    });
}

std::string new_request_id() {
    // Not a secret: a per-thread PRNG keeps this off the CSPRNG's lock.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::array<std::uint8_t, 12> b{};
    for (std::size_t i = 0; i < b.size(); i += 8) {
        const auto v = rng();
        for (std::size_t k = 0; k < 8 && i + k < b.size(); ++k) b[i + k] = static_cast<std::uint8_t>(v >> (8 * k));
    }
    return hex_encode(b);
}

/// Whether a route that takes `kind` of body takes one of this Content-Type (its parameters aside).
bool accepts(body_kind kind, std::string_view content_type) {
    const auto semi = content_type.find(';');
    std::string base(content_type.substr(0, semi));
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    base.erase(base.find_last_not_of(" \t") + 1);
    if (kind == body_kind::form) return base == "application/x-www-form-urlencoded";
    return base == "application/json" || (base.size() > 5 && base.compare(base.size() - 5, 5, "+json") == 0);
}

/// The methods authd knows. Anything else is answered 501 before routing, and reaches the metrics and the access log
/// as "other": a label taken from the request would let a client create series without bound.
std::string_view method_label(std::string_view method) {
    for (const std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
        if (method == known) return known;
    return "other";
}

/// The address a per-IP limit counts: an IPv6 client owns at least a /64, so it is counted per /64.
std::string rate_address(const std::string& ip) {
    in6_addr a{};
    if (ip.find(':') == std::string::npos || inet_pton(AF_INET6, ip.c_str(), &a) != 1) return ip;
    std::fill(std::begin(a.s6_addr) + 8, std::end(a.s6_addr), std::uint8_t{0});
    char text[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, &a, text, sizeof text)) return ip;
    return std::string(text) + "/64";
}

/// Whether the route lets this caller in: its principal type and one of its roles, if it names any.
bool permits(const route& r, const principal& caller) {
    const bool type_ok = !r.access.principal || caller.type == *r.access.principal;
    const bool role_ok = r.access.any_role.empty() ||
                         std::any_of(r.access.any_role.begin(), r.access.any_role.end(),
                                     [&](const std::string& role) { return caller.has_role(role); });
    return type_ok && role_ok;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}

// A 405's Allow: the path's methods, with HEAD beside GET, which answers it (RFC 9110, 9.3.2).
std::string allow_header(std::vector<std::string> methods) {
    const auto get = std::find(methods.begin(), methods.end(), "GET");
    if (get != methods.end()) methods.insert(get + 1, "HEAD");
    return join(methods);
}
}  // namespace

pipeline::pipeline(router routes, token_service& tokens, rate_limiter& limits, metrics& stats, const clock& clk,
                   pipeline_options options)
    : routes_(std::move(routes)),
      tokens_(tokens),
      limits_(limits),
      metrics_(stats),
      clock_(clk),
      options_(options),
      workers_("workers", options.worker_threads, options.worker_queue, options.queued_body_bytes),
      hashing_("hashing", options.hashing_threads, options.hashing_queue, options.queued_body_bytes,
               options.hashing_niceness) {}

pipeline::~pipeline() { stop(); }

void pipeline::stop() {
    workers_.stop();
    hashing_.stop();
}

void pipeline::handle(request req, std::function<void(response)> respond) {
    const auto started = std::chrono::steady_clock::now();
    const auto sent_id = req.find_header("X-Request-Id");
    req.request_id = sent_id && sane_request_id(*sent_id) ? std::string(*sent_id) : new_request_id();
    if (!options_.proxies.empty() && options_.proxies.contains(req.remote_ip)) {
        req.via_trusted_proxy = true;
        req.remote_ip = options_.proxies.client_of(req.remote_ip, req.find_headers("X-Forwarded-For"));
    }
    auto answer = [&](response res, const route* r) {
        finish(req, r, res, started);
        respond(std::move(res));
    };

    if (method_label(req.method) == "other") return answer(problem(req, http_problem::method_not_implemented), nullptr);
    if (req.method == "OPTIONS" && req.find_header("Origin") && req.find_header("Access-Control-Request-Method"))
        return answer(preflight(req), nullptr);
    const auto m = routes_.match(req);
    if (!m.found) {
        if (m.allowed.empty()) return answer(problem(req, http_problem::route_not_found), nullptr);
        auto res = problem(req, http_problem::method_not_allowed);
        res.set_header("Allow", allow_header(m.allowed));
        return answer(std::move(res), nullptr);
    }
    const route& r = *m.found;
    if (r.body != body_kind::none && !req.body.empty() &&
        !accepts(r.body, req.find_header("Content-Type").value_or("")))
        return answer(problem(req, http_problem::unsupported_media_type,
                              r.body == body_kind::form ? "Send the body as application/x-www-form-urlencoded." : ""),
                      &r);

    admission admitted;
    if (auto refused = admit(req, r, admitted)) return answer(std::move(*refused), &r);
    if (r.pool == pool_kind::io_thread) return answer(run(req, r, std::move(admitted)), &r);
    if (r.quick)
        if (auto res = run_quick(req, r, admitted)) return answer(std::move(*res), &r);

    const auto body_bytes = req.body.size();
    auto shared = std::make_shared<request>(std::move(req));
    auto job = [this, shared, &r, respond, started, admitted = std::move(admitted)]() mutable {
        auto res = run(*shared, r, std::move(admitted));
        finish(*shared, &r, res, started);
        respond(std::move(res));
    };
    work_pool& pool = r.pool == pool_kind::hashing ? hashing_ : workers_;
    if (!pool.try_post(std::move(job), body_bytes)) {
        auto res = problem_from(*shared, fail(errc::overloaded));
        finish(*shared, &r, res, started);
        respond(std::move(res));
    }
}

std::optional<response> pipeline::admit(const request& req, const route& r, admission& admitted) {
    if (r.access.authenticated) {
        // Without a valid token the request is the address's: a flood of forged or expired tokens, or of a token
        // whose session this instance read had ended, is counted per IP like any anonymous request (never against
        // the owner of a revoked token), and answered here, before it takes a worker.
        const auto token = bearer_token(req);
        auto claims = token ? tokens_.verify_unless_ended(*token) : result<access_claims>(fail(errc::unauthenticated));
        if (!claims) {
            if (auto limited = check_limits(req, r, nullptr, admitted.limit_headers)) return limited;
            auto res = token ? problem_from(req, claims.error()) : problem(req, http_problem::token_missing);
            for (auto& h : admitted.limit_headers) res.set_header(std::move(h.name), std::move(h.value));
            return res;
        }
        admitted.claims = std::move(claims.value());
    }
    return check_limits(req, r, admitted.claims ? &admitted.claims->subject : nullptr, admitted.limit_headers);
}

response pipeline::run(request& req, const route& r, admission admitted) {
    // Every answer the request counted for says so, a refusal too.
    auto res = handled(req, r, admitted);
    for (auto& h : admitted.limit_headers) res.set_header(std::move(h.name), std::move(h.value));
    return res;
}

response pipeline::handled(request& req, const route& r, admission& admitted) {
    try {
        std::optional<principal> caller;
        exchange x{req};
        if (admitted.claims) {
            auto who = admitted.session_not_in_memory ? tokens_.authenticate_from_store(std::move(*admitted.claims))
                                                      : tokens_.authenticate(std::move(*admitted.claims));
            if (!who) return problem_from(req, who.error());
            caller = std::move(who.value());
            req.principal_id = caller->id;
            if (!permits(r, *caller)) return problem_from(req, fail(errc::forbidden));
        }
        x.caller = caller ? &*caller : nullptr;
        x.verified = std::move(admitted.verified);
        if (r.body == body_kind::json_object) {
            // An empty body is no JSON object either.
            x.body = json::object_reader::parse(req.body);
            if (!x.body) return problem(req, http_problem::malformed_json);
        }
        // Every audit event the handler records carries where the request came from.
        const origin_scope origin(
            {req.remote_ip, std::string(req.find_header("User-Agent").value_or("")), req.request_id});
        return r.handler(x);
    } catch (const storage_unavailable& e) {
        log_event("error", "database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
        return problem_from(req, fail(errc::unavailable));
    } catch (const std::exception& e) {
        // The reason goes to the log only: a body never carries internals.
        log_event("error", "unhandled exception", {{"request_id", req.request_id}, {"error", e.what()}});
        return problem(req, http_problem::internal_error);
    }
}

std::optional<response> pipeline::run_quick(request& req, const route& r, admission& admitted) {
    try {
        exchange x{req};
        // On an authenticated route the caller must be known from memory too, and let in; anything else (a session
        // only the database knows, a 403) is the pool's to decide.
        std::optional<principal> caller;
        if (admitted.claims) {
            caller = tokens_.authenticate_from_memory(*admitted.claims);
            admitted.session_not_in_memory = !caller;
            if (!caller || !permits(r, *caller)) return std::nullopt;
            req.principal_id = caller->id;
            x.caller = &*caller;
        }
        auto res = r.quick(x);
        if (!res) {
            admitted.verified = std::move(x.verified);
            return std::nullopt;
        }
        for (const auto& h : admitted.limit_headers) res->set_header(h.name, h.value);
        return res;
    } catch (const std::exception& e) {
        // The fast path never decides a failure: the route's handler runs on its pool and answers for itself.
        log_event("warn", "fast path failed", {{"request_id", req.request_id}, {"error", e.what()}});
        return std::nullopt;
    }
}

std::optional<response> pipeline::check_limits(const request& req, const route& r, const std::string* subject,
                                               std::vector<header>& headers) {
    if (r.limits == rate_class::none) return std::nullopt;
    // A gateway's auth_request turns a 429 into an error for its own client: token checks it makes are not counted.
    if (r.limits == rate_class::token_check && req.via_trusted_proxy) return std::nullopt;
    constexpr seconds minute{60};
    const auto now = clock_.now();
    std::optional<rate_decision> tightest;
    auto count = [&](const std::string& key, int limit) {
        if (limit <= 0) return;  // 0 turns a limit off
        const auto d = limits_.hit(key, limit, minute, now);
        if (!tightest || !d.allowed || (tightest->allowed && d.remaining < tightest->remaining)) tightest = d;
    };
    const auto address = rate_address(req.remote_ip);
    count(subject ? "user:" + *subject : "ip:" + address, options_.rate_limit_per_minute);
    if (r.limits == rate_class::credential) count("credential-ip:" + address, options_.auth_rate_limit_per_minute);
    if (!tightest || tightest->degraded) return std::nullopt;
    const auto reset = std::to_string(std::max<long long>(1, tightest->reset.count()));
    headers = {{"RateLimit-Limit", std::to_string(tightest->limit)},
               {"RateLimit-Remaining", std::to_string(tightest->remaining)},
               {"RateLimit-Reset", reset}};
    if (tightest->allowed) return std::nullopt;
    auto res = problem(req, http_problem::rate_limited);
    for (auto& h : headers) res.set_header(h.name, h.value);
    res.set_header("Retry-After", reset);
    return res;
}

response pipeline::preflight(request& req) {
    // A preflight asks about a route: 404 for a path nobody serves, otherwise 204.
    // The route is matched for the method asked about; the request keeps its own (OPTIONS) for metrics and logs.
    const auto m = routes_.match(*req.find_header("Access-Control-Request-Method"), req);
    if (!m.found && m.allowed.empty()) return problem(req, http_problem::route_not_found);
    response res = no_content();
    const auto origin = std::string(*req.find_header("Origin"));
    if (std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) == options_.cors_origins.end())
        return res;  // a disallowed origin gets no CORS headers: the browser refuses on its own
    std::vector<std::string> methods = m.allowed;
    if (m.found) methods.push_back(m.found->method);
    res.set_header("Access-Control-Allow-Methods", join(methods));
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
    res.set_header("Access-Control-Max-Age", "600");
    return res;
}

response pipeline::protocol_error(int status, const std::string& remote_ip) {
    request req;
    req.request_id = new_request_id();
    req.remote_ip = remote_ip;
    const auto kind = status == 413   ? http_problem::payload_too_large
                      : status == 431 ? http_problem::headers_too_large
                      : status == 501 ? http_problem::coding_not_implemented
                      : status >= 500 ? http_problem::internal_error
                                      : http_problem::bad_request;
    response res = problem(req, kind);
    finish(req, nullptr, res, std::chrono::steady_clock::now());
    return res;
}

void pipeline::finish(const request& req, const route* r, response& res,
                      std::chrono::steady_clock::time_point started) {
    static const std::string nothing;
    const std::string& route_path = r ? r->path : nothing;
    res.headers.reserve(res.headers.size() + 10);  // the ones below, in one allocation instead of a doubling each
    res.set_header("X-Request-Id", req.request_id);
    // CORS (API.md): the allow-list's origins are echoed back; Vary: Origin always, so caches keep them apart.
    res.set_header("Vary", "Origin");
    if (const auto origin = req.find_header("Origin");
        origin &&
        std::find(options_.cors_origins.begin(), options_.cors_origins.end(), *origin) != options_.cors_origins.end()) {
        res.set_header("Access-Control-Allow-Origin", std::string(*origin));
        res.set_header("Access-Control-Expose-Headers",
                       "X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset");
    }
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    if (!res.find_header("Content-Security-Policy"))
        res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    // Tokens and personal data must never sit in a shared cache; the cost of marking everything is nil.
    if (!res.find_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    if (options_.hsts) res.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    const auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    const auto method = std::string(method_label(req.method));
    metrics_.observe(route_path, method, res.status, took, res.problem_code, r ? r->metric : nothing);
    if (!access_log_enabled()) return;
    const auto micros = took.count();
    log_event("info", "request",
              {{"request_id", req.request_id},
               {"method", method},
               {"path", req.path},
               {"route", route_path},
               {"status", std::to_string(res.status)},
               {"duration_ms", std::to_string(micros / 1000) + "." + std::to_string(micros % 1000 / 100)},
               {"remote_ip", req.remote_ip},
               {"principal", req.principal_id}});
}

}  // namespace authd::http
