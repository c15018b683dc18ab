// The pipeline on its own, with fakes behind it: what it decides before a request takes a worker (methods, bad
// tokens, rate limits per address), and its last-resort 500.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>

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
    pipeline p;

    explicit pipeline_fixture(int per_minute = 100)
        : p(routes(handled), tokens, limits, stats, clock,
            pipeline_options{.worker_threads = 1, .hashing_threads = 1, .rate_limit_per_minute = per_minute}) {
        set_access_log(false);  // the metrics tell what the tests check; the log would only be noise
    }

    static router routes(std::atomic<int>& handled) {
        router r;
        auto ok = [&handled](request&, const principal*) {
            ++handled;
            return no_content();
        };
        r.add({.method = "GET", .pattern = "/open", .handler = ok});
        r.add({.method = "GET", .pattern = "/mine", .handler = ok, .access = {.authenticated = true}});
        return r;
    }

    response send(std::string method, std::string path, std::string ip = "127.0.0.1",
                  std::vector<header> headers = {}) {
        request req;
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

TEST_CASE("missing and bad bearer tokens count against the address's budget before any worker runs", "[pipeline][limits]") {
    pipeline_fixture f(3);
    const std::vector<header> forged{{"Authorization", "Bearer forged"}};
    CHECK(f.send("GET", "/mine", "10.0.0.1", forged).status == 401);
    CHECK(f.send("GET", "/mine", "10.0.0.1").status == 401);
    CHECK(f.send("GET", "/mine", "10.0.0.1", forged).status == 401);
    const auto limited = f.send("GET", "/mine", "10.0.0.1", forged);
    CHECK(limited.status == 429);
    CHECK(limited.find_header("Retry-After").has_value());
    CHECK(f.send("GET", "/open", "10.0.0.1").status == 429);  // one budget for the address
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
