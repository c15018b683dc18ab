// The in-process limiter, and the failover from a shared limiter to it while the shared store is away.
#include <catch2/catch.hpp>

#include <vector>

#include "adapters/ratelimit/failover_rate_limiter.hpp"
#include "adapters/ratelimit/memory_rate_limiter.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}};

/// A shared store that is up or down as the test says; up, it allows everything.
class switchable_limiter final : public rate_limiter {
public:
    bool up = true;
    rate_decision hit(std::string_view, int limit, seconds, time_point) override {
        return {true, limit, limit - 1, 60s, !up};
    }
    std::string_view health() const override { return up ? "ok" : "unavailable"; }
};
}  // namespace

TEST_CASE("the in-process limiter counts per key and per window", "[ratelimit]") {
    ratelimit::memory_rate_limiter l;
    CHECK(l.hit("a", 2, 60s, t0).remaining == 1);
    CHECK(l.hit("a", 2, 60s, t0 + 1s).allowed);
    const auto over = l.hit("a", 2, 60s, t0 + 10s);
    CHECK_FALSE(over.allowed);
    CHECK(over.reset == 50s);
    CHECK(l.hit("b", 2, 60s, t0).allowed);
    CHECK(l.hit("a", 2, 60s, t0 + 60s).allowed);
}

TEST_CASE("while the shared limiter is away the process counts, and each switch is reported once", "[ratelimit]") {
    auto shared = std::make_unique<switchable_limiter>();
    auto& store = *shared;
    std::vector<bool> switches;
    ratelimit::failover_rate_limiter l(std::move(shared), std::make_unique<ratelimit::memory_rate_limiter>(),
                                       [&](bool up) { switches.push_back(up); });
    for (int i = 0; i < 5; ++i) CHECK(l.hit("ip:1", 2, 60s, t0).allowed);  // the shared store allows all
    CHECK(switches.empty());

    store.up = false;
    CHECK(l.hit("ip:1", 2, 60s, t0).allowed);
    CHECK(l.hit("ip:1", 2, 60s, t0).allowed);
    const auto over = l.hit("ip:1", 2, 60s, t0);
    CHECK_FALSE(over.allowed);  // counted here: never no limit at all
    CHECK_FALSE(over.degraded);
    CHECK(l.health() == "unavailable");

    store.up = true;
    CHECK(l.hit("ip:1", 2, 60s, t0).allowed);
    CHECK(l.hit("ip:1", 2, 60s, t0).allowed);
    CHECK(l.health() == "ok");
    CHECK(switches == std::vector<bool>{false, true});
}
