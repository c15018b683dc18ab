// The pipeline on its own, with fakes behind it: what it decides before a request takes a worker (methods, bad
// tokens, rate limits per address), and its last-resort 500.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "adapters/http/body.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/pipeline.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/ratelimit/memory_rate_limiter.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace authd::http;
using namespace authd::test;

namespace {
struct pipeline_fixture {
    fake_clock clock;
    memory_store store;
    fake_codec codec;
    fake_digest digest;
    counting_random rng;
    token_service tokens{store, codec, digest, rng, clock, token_settings{}};
    ratelimit::memory_rate_limiter limits;
    metrics stats;
    std::atomic<int> handled{0};
    std::promise<void> release;  ///< /stuck holds the only worker until this is set
    std::shared_future<void> released = release.get_future().share();
    pipeline p;

    explicit pipeline_fixture(int per_minute = 100, const std::string& proxies = "")
        : p(routes(handled, released, tokens), tokens, limits, stats, clock,
            pipeline_options{.worker_threads = 1,
                             .worker_queue = 1,
                             .hashing_threads = 1,
                             .rate_limit_per_minute = per_minute,
                             .proxies = trusted_proxies::parse(proxies)}) {
        set_access_log(false);  // the metrics tell what the tests check; the log would only be noise
    }
    ~pipeline_fixture() {
        // A failed check must not leave /stuck holding the worker that the pipeline's destructor joins.
        try {
            release.set_value();
        } catch (const std::future_error&) {  // already released
        }
    }

    static router routes(std::atomic<int>& handled, std::shared_future<void> released, token_service& tokens) {
        router r;
        auto ok = [&handled](exchange&) {
            ++handled;
            return no_content();
        };
        r.add({.method = "GET", .path = "/open", .handler = ok});
        r.add({.method = "GET", .path = "/mine", .access = {.authenticated = true}, .handler = ok});
        r.add({.method = "GET", .path = "/check", .limits = rate_class::token_check, .handler = ok});
        r.add({.method = "GET",
               .path = "/live",
               .pool = pool_kind::io_thread,
               .limits = rate_class::none,
               .handler = ok});
        r.add({.method = "GET", .path = "/stuck", .handler = [&handled, released](exchange&) {
                   ++handled;
                   released.wait();
                   return no_content();
               }});
        // A fast path: answers 200 itself for "X-Quick: yes", throws for "X-Quick: throw", else hands over to the pool.
        r.add({.method = "GET", .path = "/quick", .handler = ok, .quick = [](exchange& x) -> std::optional<response> {
                   const auto quick = x.req.find_header("X-Quick").value_or("");
                   if (quick == "throw") throw std::runtime_error("the fast path broke");
                   if (quick == "yes") return json_response(200, "\"quick\"");
                   return std::nullopt;
               }});
        // As validate does: the fast path verifies the bearer token, finds no session in memory (the fixture has no
        // session view) and leaves the claims to the handler, which answers with their subject.
        r.add({.method = "GET",
               .path = "/subject",
               .handler =
                   [&tokens](exchange& x) {
                       const auto claims = x.verify(tokens, bearer_token(x.req).value_or(""));
                       return claims ? json_response(200, "\"" + claims.value().subject + "\"") : no_content();
                   },
               .quick = [&tokens](exchange& x) -> std::optional<response> {
                   const auto token = std::string(bearer_token(x.req).value_or(""));
                   auto claims = tokens.verify(token);
                   // "X-Quick: other" leaves the claims under another token than the one the handler reads.
                   const auto quick = x.req.find_header("X-Quick").value_or("");
                   if (claims && !tokens.authenticate_from_memory(claims.value()))
                       x.verified = verified_token{quick == "other" ? token + "-other" : token, claims.value()};
                   if (quick == "throw") throw std::runtime_error("the fast path broke");
                   return std::nullopt;
               }});
        r.add({.method = "POST", .path = "/named", .body = body_kind::json_object, .handler = [](exchange& x) {
                   const auto name = x.required_string("name");
                   if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
                   return json_response(200, "\"" + *name + "\"");
               }});
        return r;
    }

    response send(std::string method, std::string path, std::string ip = "127.0.0.1", std::vector<header> headers = {},
                  std::string body = {}) {
        request req;
        req.body = std::move(body);
        req.method = std::move(method);
        req.path = req.target = std::move(path);
        req.remote_ip = std::move(ip);
        req.headers = std::move(headers);
        std::promise<response> answer;
        auto got = answer.get_future();
        p.handle(std::move(req), [&answer](response res) { answer.set_value(std::move(res)); });
        return got.get();
    }
};

bool has_security_headers(const response& r) {
    return r.find_header("X-Request-Id").value_or("").size() >= 16 && r.find_header("X-Content-Type-Options") &&
           r.find_header("Content-Security-Policy") && r.find_header("Cache-Control") == "no-store";
}
}  // namespace

TEST_CASE("an unknown method is 501 before routing, and reaches the metrics as other", "[pipeline][limits]") {
    pipeline_fixture f;
    const auto r = f.send(std::string(4096, 'Q'), "/open");
    CHECK(r.status == 501);
    CHECK(r.problem_code == "method_not_implemented");
    CHECK(f.handled == 0);
    CHECK(f.send("BREW", "/nowhere").status == 501);
    const auto text = f.stats.render("");
    CHECK(text.find("method=\"other\",status=\"501\"} 2") != std::string::npos);
    CHECK(text.find("QQQQ") == std::string::npos);
    CHECK(text.find("BREW") == std::string::npos);
}

TEST_CASE("a preflight keeps OPTIONS as its method whatever method it asks about", "[pipeline][limits]") {
    pipeline_fixture f;
    const auto r = f.send("OPTIONS", "/open", "127.0.0.1",
                          {{"Origin", "http://x"}, {"Access-Control-Request-Method", std::string(4096, 'Z')}});
    CHECK(r.status == 204);  // the path exists: the preflight is answered, for the method it really has
    const auto text = f.stats.render("");
    CHECK(text.find("method=\"OPTIONS\"") != std::string::npos);
    CHECK(text.find("ZZZZ") == std::string::npos);
}

TEST_CASE("missing and bad bearer tokens count against the address's budget before any worker runs",
          "[pipeline][limits]") {
    pipeline_fixture f(3);
    const std::vector<header> forged{{"Authorization", "Bearer forged"}};
    CHECK(f.send("GET", "/mine", "10.0.0.1", forged).status == 401);
    CHECK(f.send("GET", "/mine", "10.0.0.1").status == 401);
    CHECK(f.send("GET", "/mine", "10.0.0.1", forged).status == 401);
    const auto limited = f.send("GET", "/mine", "10.0.0.1", forged);
    CHECK(limited.status == 429);
    CHECK(limited.find_header("Retry-After").has_value());
    CHECK(f.send("GET", "/open", "10.0.0.1").status == 429);          // one budget for the address
    CHECK(f.send("GET", "/mine", "10.0.0.2", forged).status == 401);  // another address, its own budget
    CHECK(f.handled == 0);
}

TEST_CASE("IPv6 clients are counted per /64", "[pipeline][limits]") {
    pipeline_fixture f(2);
    CHECK(f.send("GET", "/open", "2001:db8:1:2::1").status == 204);
    CHECK(f.send("GET", "/open", "2001:db8:1:2:ffff::9").status == 204);
    CHECK(f.send("GET", "/open", "2001:db8:1:2::abcd").status == 429);  // the same /64
    CHECK(f.send("GET", "/open", "2001:db8:1:3::1").status == 204);     // the next /64
    CHECK(f.send("GET", "/open", "192.0.2.1").status == 204);
}

TEST_CASE("the last-resort 500 carries the request id and the security headers of every response", "[pipeline]") {
    pipeline_fixture f;
    const auto r = f.p.protocol_error(500, "127.0.0.1");
    CHECK(r.status == 500);
    CHECK(r.problem_code == "internal_error");
    CHECK(r.find_header("Content-Type") == "application/problem+json");
    CHECK(has_security_headers(r));
    CHECK(has_security_headers(f.p.protocol_error(431, "127.0.0.1")));
}

TEST_CASE("routes on the I/O thread answer while the worker queue is full", "[pipeline][limits]") {
    // Declared before the fixture, so that they outlive the worker that the fixture's destructor releases and joins.
    std::vector<std::future<response>> waiting;
    std::vector<std::promise<response>> answers(2);
    pipeline_fixture f;
    // The only worker stuck (once it has taken the first request off the queue), a second request queued: the queue
    // (of one) is full.
    for (auto& a : answers) {
        waiting.push_back(a.get_future());
        request req;
        req.method = "GET";
        req.path = req.target = "/stuck";
        req.remote_ip = "127.0.0.1";
        f.p.handle(std::move(req), [&a](response res) { a.set_value(std::move(res)); });
        const auto bound = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (f.handled == 0 && std::chrono::steady_clock::now() < bound) std::this_thread::yield();
        REQUIRE(f.handled == 1);
    }
    // A third request finds no room: 503.
    const auto refused = f.send("GET", "/stuck");
    CHECK(refused.status == 503);
    CHECK(refused.problem_code == "overloaded");
    // The probe does not queue: it answers now, with the security headers of every response.
    const auto live = f.send("GET", "/live");
    CHECK(live.status == 204);
    CHECK(has_security_headers(live));
    f.release.set_value();
    for (auto& w : waiting) CHECK(w.get().status == 204);
}

TEST_CASE("a JSON-object route gets its body parsed, or 400 malformed_json before the handler runs", "[pipeline]") {
    pipeline_fixture f;
    const std::vector<header> json{{"Content-Type", "application/json"}};
    CHECK(f.send("POST", "/named", "127.0.0.1", json, R"({"name":"ana"})").body == "\"ana\"");
    const auto missing = f.send("POST", "/named", "127.0.0.1", json, R"({})");
    CHECK(missing.status == 400);
    CHECK(missing.problem_code == "validation_failed");
    for (const std::string bad : {"", "[1]", "{", "\"text\""}) {
        const auto r = f.send("POST", "/named", "127.0.0.1", json, bad);
        CHECK(r.status == 400);
        CHECK(r.problem_code == "malformed_json");
    }
    CHECK(f.send("POST", "/named", "127.0.0.1", {{"Content-Type", "text/plain"}}, "x").status == 415);
}

TEST_CASE("a route on the I/O thread may take no token, rate limit or body", "[pipeline]") {
    router r;
    auto ok = [](exchange&) { return no_content(); };
    const auto io = pool_kind::io_thread;
    const auto none = rate_class::none;
    CHECK_NOTHROW(r.add({.method = "GET", .path = "/live", .pool = io, .limits = none, .handler = ok}));
    CHECK_THROWS_AS(r.add({.method = "GET", .path = "/a", .access = {true}, .pool = io, .limits = none, .handler = ok}),
                    std::logic_error);
    CHECK_THROWS_AS(r.add({.method = "GET", .path = "/b", .pool = io, .handler = ok}), std::logic_error);
    CHECK_THROWS_AS(r.add({.method = "POST",
                           .path = "/c",
                           .pool = io,
                           .body = body_kind::json_object,
                           .limits = none,
                           .handler = ok}),
                    std::logic_error);
}

TEST_CASE("behind a trusted proxy each client has its own budget, and a direct client cannot pose as another",
          "[pipeline][limits][proxies]") {
    pipeline_fixture f(2, "10.0.0.0/8");
    const auto via_gateway = [&](const std::string& client) {
        return f.send("GET", "/open", "10.0.0.2", {{"X-Forwarded-For", client}}).status;
    };
    CHECK(via_gateway("198.51.100.1") == 204);
    CHECK(via_gateway("198.51.100.1") == 204);
    CHECK(via_gateway("198.51.100.1") == 429);                // that client's budget
    CHECK(via_gateway("198.51.100.2") == 204);                // another client behind the same gateway
    CHECK(f.send("GET", "/open", "10.0.0.2").status == 204);  // the gateway itself, no header
    // A client talking directly: its header is ignored, so it spends its own budget.
    const std::vector<header> forged{{"X-Forwarded-For", "198.51.100.9"}};
    CHECK(f.send("GET", "/open", "203.0.113.5", forged).status == 204);
    CHECK(f.send("GET", "/open", "203.0.113.5", forged).status == 204);
    CHECK(f.send("GET", "/open", "203.0.113.5", forged).status == 429);
    CHECK(via_gateway("198.51.100.9") == 204);  // the address it named was not charged
}

TEST_CASE("token checks from a trusted proxy are never throttled, and from anyone else count as usual",
          "[pipeline][limits][proxies]") {
    pipeline_fixture f(2, "10.0.0.0/8");
    for (int i = 0; i < 20; ++i)
        REQUIRE(f.send("GET", "/check", "10.0.0.2", {{"X-Forwarded-For", "198.51.100.1"}}).status == 204);
    CHECK(f.send("GET", "/check", "203.0.113.5").status == 204);
    CHECK(f.send("GET", "/check", "203.0.113.5").status == 204);
    CHECK(f.send("GET", "/check", "203.0.113.5").status == 429);
    // Without TRUSTED_PROXIES the gateway is a client like any other.
    pipeline_fixture direct(2);
    CHECK(direct.send("GET", "/check", "10.0.0.2").status == 204);
    CHECK(direct.send("GET", "/check", "10.0.0.2").status == 204);
    CHECK(direct.send("GET", "/check", "10.0.0.2").status == 429);
}

TEST_CASE("a quick handler answers on the network thread, or hands the request to its pool's handler",
          "[pipeline][limits]") {
    pipeline_fixture f(4);
    // The only worker is held and the queue's one slot taken: only an answer from the network thread gets through.
    std::thread stuck([&] { (void)f.send("GET", "/stuck", "10.9.0.1"); });
    for (int i = 0; i < 2000 && f.handled == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(f.handled == 1);
    std::promise<response> queued_answer;
    request queued;
    queued.method = "GET";
    queued.path = queued.target = "/open";
    queued.remote_ip = "10.9.0.2";
    f.p.handle(std::move(queued), [&](response res) { queued_answer.set_value(std::move(res)); });

    const auto fast = f.send("GET", "/quick", "10.0.0.1", {{"X-Quick", "yes"}});
    CHECK(fast.status == 200);
    CHECK(fast.body == "\"quick\"");
    CHECK(has_security_headers(fast));
    CHECK(fast.find_header("RateLimit-Remaining") == "3");  // counted like any request
    CHECK(f.handled == 1);                                  // the pool's handler never ran

    f.release.set_value();
    stuck.join();
    CHECK(queued_answer.get_future().get().status == 204);
    CHECK(f.send("GET", "/quick", "10.0.0.1").status == 204);  // nothing to answer from: the handler runs
    CHECK(f.send("GET", "/quick", "10.0.0.1", {{"X-Quick", "throw"}}).status == 204);  // a broken fast path too
    CHECK(f.handled == 4);
    CHECK(f.send("GET", "/quick", "10.0.0.1", {{"X-Quick", "yes"}}).status == 200);  // the 4th of 4 a minute
    CHECK(f.send("GET", "/quick", "10.0.0.1", {{"X-Quick", "yes"}}).status == 429);  // the limit comes first
}

TEST_CASE("a token the quick handler verified reaches the pool's handler without a second verification",
          "[pipeline][limits]") {
    pipeline_fixture f;
    access_claims claims;
    claims.subject = "u-1";
    claims.session_id = "s-1";
    claims.token_id = "t-1";
    claims.expires_at = f.clock.now() + std::chrono::minutes(5);
    const auto token = f.codec.sign(claims);
    const header bearer{"Authorization", "Bearer " + token};

    const auto handed = f.send("GET", "/subject", "10.0.0.1", {bearer});
    CHECK(handed.status == 200);
    CHECK(handed.body == "\"u-1\"");
    CHECK(f.codec.verifications() == 1);  // on the network thread only

    // A fast path that fails hands nothing over: the handler verifies the token itself.
    const auto broken = f.send("GET", "/subject", "10.0.0.1", {bearer, {"X-Quick", "throw"}});
    CHECK(broken.body == "\"u-1\"");
    CHECK(f.codec.verifications() == 3);
    // Claims left for another token are not taken for this one.
    const auto mislabelled = f.send("GET", "/subject", "10.0.0.1", {bearer, {"X-Quick", "other"}});
    CHECK(mislabelled.body == "\"u-1\"");
    CHECK(f.codec.verifications() == 5);
    // Nor does one that verified nothing (no token): the handler finds none either.
    CHECK(f.send("GET", "/subject", "10.0.0.1").status == 204);
}
