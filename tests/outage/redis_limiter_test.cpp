// The Redis rate limiter against a real redis-server of its own: instances
// share one budget, and when Redis goes away requests pass (fail open) while
// health() says so.
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>

#include "adapters/redis/redis_rate_limiter.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string out;
    char buf[256];
    while (pipe && std::fgets(buf, sizeof buf, pipe.get())) out += buf;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}
const std::string script = std::string(AUTHD_SOURCE_DIR) + "/scripts/db-server";
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
}  // namespace

TEST_CASE("two instances share one Redis budget, fail open while Redis is down, and count again after",
          "[ratelimit][redis]") {
    char pattern[] = "/tmp/authd-rl-XXXXXX";
    const std::string dir = std::string(mkdtemp(pattern)) + "/redis";
    const auto url = run(script + " start redis " + dir);
    REQUIRE(url.rfind("redis://", 0) == 0);

    // No back-off between reconnection attempts here, so that the test needs no waiting.
    redis::redis_rate_limiter a(*redis::redis_url::parse(url), 0ms), b(*redis::redis_url::parse(url), 0ms);
    CHECK(a.hit("ip:1", 3, 60s, t0).remaining == 2);
    CHECK(b.hit("ip:1", 3, 60s, t0).remaining == 1);
    CHECK(a.hit("ip:1", 3, 60s, t0).allowed);
    const auto over = b.hit("ip:1", 3, 60s, t0 + 10s);
    CHECK_FALSE(over.allowed);
    CHECK(over.reset == 50s);
    CHECK(a.hit("ip:2", 3, 60s, t0).allowed);        // another key, another budget
    CHECK(a.hit("ip:1", 3, 60s, t0 + 60s).allowed);  // the next window
    CHECK(a.health() == "ok");

    run(script + " halt " + dir);
    const auto open = a.hit("ip:1", 3, 60s, t0 + 61s);
    CHECK(open.allowed);
    CHECK(open.degraded);
    CHECK(a.health() == "unavailable");
    for (int i = 0; i < 10; ++i) CHECK(a.hit("ip:1", 3, 60s, t0 + 61s).allowed);  // uncounted, never refused

    run(script + " resume " + dir);
    const auto back = a.hit("ip:9", 3, 60s, t0 + 120s);
    CHECK_FALSE(back.degraded);
    CHECK(a.health() == "ok");
    CHECK(back.remaining == 2);

    run(script + " stop " + dir);
    rmdir(dir.substr(0, dir.rfind('/')).c_str());
}
