// A background loop (the deliverers, the outbox relay, the clean-up) can be told to stop without the caller waiting
// for its round, so that several loops told together stop in the time of the slowest.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>

#include "app/background_loop.hpp"

using authd::app::background_loop;
using namespace std::chrono_literals;

namespace {
constexpr auto a_long_wait = 10min;  // longer than the test: the loop runs no round of its own accord
constexpr auto hang_guard = 30s;     // a bound on each wait for another thread, never reached when the code is right
}  // namespace

TEST_CASE("a loop told to stop in a round ends after it, and the caller need not wait for that round",
          "[app][background]") {
    std::atomic<int> rounds{0};
    std::promise<void> entered, release;
    auto released = release.get_future().share();
    background_loop loop(
        "test",
        [&] {
            if (rounds.fetch_add(1) == 0) {
                entered.set_value();
                released.wait();  // a send to a slow server
            }
            return false;
        },
        a_long_wait);
    loop.start();
    REQUIRE(entered.get_future().wait_for(hang_guard) == std::future_status::ready);
    // It returns while the round is still held: a call that waited for the round would never return here.
    auto told = std::async(std::launch::async, [&] { loop.ask_to_stop(); });
    const bool returned = told.wait_for(hang_guard) == std::future_status::ready;
    CHECK(returned);
    release.set_value();
    loop.stop();
    CHECK(rounds == 1);  // told during its round: no other ran after it
}
