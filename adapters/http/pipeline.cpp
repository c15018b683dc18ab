#include "adapters/http/pipeline.hpp"

#include <algorithm>
#include <array>
#include <random>

#include "adapters/http/body.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/responses.hpp"
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

bool is_json(std::string_view content_type) {
    const auto semi = content_type.find(';');
    std::string base(content_type.substr(0, semi));
    std::transform(base.begin(), base.end(), base.begin(), [](unsigned char c) { return std::tolower(c); });
    base.erase(base.find_last_not_of(" \t") + 1);
    return base == "application/json" || (base.size() > 5 && base.compare(base.size() - 5, 5, "+json") == 0);
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
    return out;
}
}  // namespace

pipeline::pipeline(router routes, token_service& tokens, pipeline_options options)
    : routes_(std::move(routes)),
      tokens_(tokens),
      options_(options),
      workers_("workers", options.worker_threads, options.worker_queue),
      hashing_("hashing", options.hashing_threads, options.hashing_queue) {}

pipeline::~pipeline() { stop(); }

void pipeline::stop() {
    workers_.stop();
    hashing_.stop();
}

void pipeline::handle(request req, std::function<void(response)> respond) {
    const auto started = std::chrono::steady_clock::now();
    const auto sent_id = req.find_header("X-Request-Id");
    req.request_id = sent_id && sane_request_id(*sent_id) ? std::string(*sent_id) : new_request_id();

    const auto m = routes_.match(req);
    if (!m.found) {
        response res;
        if (!m.allowed.empty()) {
            res = problem(req, 405, "method_not_allowed", "This route does not answer that method.");
            res.set_header("Allow", join(m.allowed));
        } else {
            res = problem(req, 404, "not_found", "No such route.");
        }
        finish(req, "", res, started);
        return respond(std::move(res));
    }
    const route& r = *m.found;
    if (r.reads_body && !req.body.empty() && !is_json(req.find_header("Content-Type").value_or(""))) {
        auto res = problem(req, 415, "unsupported_media_type", "Send the body as application/json.");
        finish(req, r.pattern, res, started);
        return respond(std::move(res));
    }

    auto shared = std::make_shared<request>(std::move(req));
    auto job = [this, shared, &r, respond, started]() mutable {
        auto res = run(*shared, r);
        finish(*shared, r.pattern, res, started);
        respond(std::move(res));
    };
    work_pool& pool = r.pool == pool_kind::slow ? hashing_ : workers_;
    if (!pool.try_post(job)) {
        auto res = problem(*shared, 503, "overloaded", "The server is busy; try again shortly.");
        res.set_header("Retry-After", "1");
        finish(*shared, r.pattern, res, started);
        respond(std::move(res));
    }
}

response pipeline::run(request& req, const route& r) {
    try {
        std::optional<principal> caller;
        if (r.access.authenticated) {
            const auto token = bearer_token(req);
            if (!token) return unauthorized(req, "A bearer token is required.", false);
            auto who = tokens_.authenticate(*token);
            if (!who) return unauthorized(req, who.error().detail, true);
            caller = std::move(who.value());
            const bool type_ok = !r.access.principal || caller->type == *r.access.principal;
            const bool role_ok = r.access.any_role.empty() ||
                                 std::any_of(r.access.any_role.begin(), r.access.any_role.end(),
                                             [&](const std::string& role) { return caller->has_role(role); });
            if (!type_ok || !role_ok) return problem(req, 403, "forbidden", "Your account may not use this route.");
        }
        return r.handler(req, caller ? &*caller : nullptr);
    } catch (const storage_unavailable& e) {
        log_event("error", "database unavailable", {{"request_id", req.request_id}, {"error", e.what()}});
        auto res = problem(req, 503, "database_unavailable", "The database is unavailable; try again shortly.");
        res.set_header("Retry-After", "5");
        return res;
    } catch (const std::exception& e) {
        // The reason goes to the log only: a body never carries internals.
        log_event("error", "unhandled exception", {{"request_id", req.request_id}, {"error", e.what()}});
        return problem(req, 500, "internal_error", "Something went wrong on our side.");
    }
}

response pipeline::protocol_error(int status, const std::string& remote_ip) {
    request req;
    req.request_id = new_request_id();
    req.remote_ip = remote_ip;
    response res = status == 413   ? problem(req, 413, "payload_too_large", "The body is over the size limit.")
                   : status == 431 ? problem(req, 431, "headers_too_large", "The headers are over 8 KiB.")
                                   : problem(req, 400, "bad_request", "The request is not valid HTTP.");
    finish(req, "", res, std::chrono::steady_clock::now());
    return res;
}

void pipeline::finish(const request& req, std::string_view route_pattern, response& res,
                      std::chrono::steady_clock::time_point started) {
    res.set_header("X-Request-Id", req.request_id);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    if (!res.find_header("Content-Security-Policy"))
        res.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    // Tokens and personal data must never sit in a shared cache; the cost of marking everything is nil.
    if (!res.find_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
    if (options_.hsts) res.set_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    if (!access_log_enabled()) return;
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
    log_event("info", "request",
              {{"request_id", req.request_id},
               {"method", req.method},
               {"path", req.path},
               {"route", std::string(route_pattern)},
               {"status", std::to_string(res.status)},
               {"duration_ms", std::to_string(micros / 1000) + "." + std::to_string(micros % 1000 / 100)},
               {"remote_ip", req.remote_ip}});
}

}  // namespace authd::http
