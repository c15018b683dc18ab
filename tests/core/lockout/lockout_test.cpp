#include "core/lockout/lockout.hpp"

#include <catch2/catch.hpp>

using namespace authd;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};
}

TEST_CASE("four failures in a row do not lock, the fifth locks for 15 minutes", "[core][lockout]") {
    lockout_state s;
    const lockout_policy p;
    for (int i = 0; i < 4; ++i) CHECK_FALSE(record_failure(s, t0, p));
    CHECK(attempts_remaining(s, p) == 1);
    CHECK_FALSE(lock_remaining(s, t0));
    CHECK(record_failure(s, t0, p));
    REQUIRE(lock_remaining(s, t0));
    CHECK(*lock_remaining(s, t0) == 15min);
}

TEST_CASE("a lock ends at exactly 15:00 and not a second before", "[core][lockout]") {
    lockout_state s;
    const lockout_policy p;
    for (int i = 0; i < 5; ++i) (void)record_failure(s, t0, p);
    CHECK(lock_remaining(s, t0 + 14min + 59s) == 1s);
    CHECK_FALSE(lock_remaining(s, t0 + 15min));
}

TEST_CASE("a success resets the count of failures", "[core][lockout]") {
    lockout_state s;
    const lockout_policy p;
    for (int i = 0; i < 4; ++i) (void)record_failure(s, t0, p);
    record_success(s);
    for (int i = 0; i < 4; ++i) CHECK_FALSE(record_failure(s, t0, p));
}

TEST_CASE("after a lock expires the count starts again from zero", "[core][lockout]") {
    lockout_state s;
    const lockout_policy p;
    for (int i = 0; i < 5; ++i) (void)record_failure(s, t0, p);
    CHECK_FALSE(record_failure(s, t0 + 16min, p));
    CHECK_FALSE(s.locked_until);
    CHECK(s.failures == 1);
}

TEST_CASE("the policy's numbers are configurable", "[core][lockout]") {
    lockout_state s;
    const lockout_policy p{2, 1min};
    CHECK_FALSE(record_failure(s, t0, p));
    CHECK(record_failure(s, t0, p));
    CHECK(lock_remaining(s, t0) == 1min);
}
