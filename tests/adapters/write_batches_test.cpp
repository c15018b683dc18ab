// The queue of SQLite's writers (adapters/storage/write_batches): who leads, what goes in a batch. Here rather than
// with the storage tests so that ThreadSanitizer (scripts/tsan) runs it; it needs no database.
#include "adapters/storage/write_batches.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

using authd::storage::write_batches;

namespace {

struct numbered : write_batches::ticket {
    int number = 0;
    std::thread::id owner;
};

/// What the runner saw: each batch's numbers, and whether two batches ever ran at once.
struct batch_log {
    std::mutex lock;
    std::vector<std::vector<int>> batches;
    std::vector<bool> led_by_first;  ///< the batch ran on the thread of its first ticket
    std::atomic<int> running{0};     ///< batches inside the runner now
    std::atomic<bool> overlapped{false};

    write_batches::runner runner(std::shared_future<void> gate = {}) {
        return [this, gate](std::span<write_batches::ticket* const> batch) {
            if (running.fetch_add(1) != 0) overlapped = true;
            if (gate.valid()) gate.wait();
            std::vector<int> numbers;
            for (auto* t : batch) numbers.push_back(static_cast<numbered*>(t)->number);
            {
                const std::lock_guard held(lock);
                batches.push_back(numbers);
                led_by_first.push_back(static_cast<numbered*>(batch.front())->owner == std::this_thread::get_id());
            }
            running.fetch_sub(1);
        };
    }
};

/// Joins `queue` from a thread of its own with ticket `number`.
std::thread joiner(write_batches& queue, const write_batches::runner& run, int number) {
    return std::thread([&queue, &run, number] {
        numbered t;
        t.number = number;
        t.owner = std::this_thread::get_id();
        queue.join(t, run);
    });
}

/// Waits (bounded) until a batch is running.
bool batch_runs(const batch_log& log) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (log.running.load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return log.running.load() == 1;
}

/// Waits (bounded) until `count` writes are queued.
bool queued_reaches(write_batches& queue, std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (queue.queued() < count && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return queue.queued() == count;
}

/// Runs writes numbered 0 to `followers`: write 0 leads a batch of its own and holds it until the others have queued
/// behind it, one at a time, so that their order in the queue is known. Returns whether they all queued.
bool queue_behind_one(write_batches& queue, batch_log& log, int followers) {
    std::promise<void> open;
    const auto run = log.runner(open.get_future().share());
    std::vector<std::thread> threads;
    threads.push_back(joiner(queue, run, 0));
    bool queued = batch_runs(log);
    for (int n = 1; queued && n <= followers; ++n) {
        threads.push_back(joiner(queue, run, n));
        queued = queued_reaches(queue, static_cast<std::size_t>(n));
    }
    open.set_value();  // whatever happened: the threads must end before they are joined
    for (auto& t : threads) t.join();
    return queued;
}

}  // namespace

TEST_CASE("a write that finds the queue idle runs at once, alone, on its own thread", "[write_batches]") {
    write_batches queue(32);
    batch_log log;
    const auto run = log.runner();
    numbered t;
    t.number = 7;
    t.owner = std::this_thread::get_id();
    queue.join(t, run);
    REQUIRE(log.batches.size() == 1);
    CHECK(log.batches[0] == std::vector<int>{7});
    CHECK(log.led_by_first[0]);
    CHECK(queue.queued() == 0);
}

TEST_CASE("writes that queue while a batch runs go together in the next one, led by the first of them",
          "[write_batches]") {
    write_batches queue(32);
    batch_log log;
    REQUIRE(queue_behind_one(queue, log, 5));
    CHECK_FALSE(log.overlapped);
    CHECK(log.batches == std::vector<std::vector<int>>{{0}, {1, 2, 3, 4, 5}});
    CHECK(log.led_by_first == std::vector<bool>{true, true});
    CHECK(queue.queued() == 0);
    CHECK(queue.counted() == write_batches::totals{2, 6});
}

TEST_CASE("a batch holds at most the writes it was given, and every queued write runs once", "[write_batches]") {
    write_batches queue(2);
    batch_log log;
    REQUIRE(queue_behind_one(queue, log, 5));
    CHECK_FALSE(log.overlapped);
    CHECK(log.batches == std::vector<std::vector<int>>{{0}, {1, 2}, {3, 4}, {5}});
    CHECK(log.led_by_first == std::vector<bool>{true, true, true, true});
}

TEST_CASE("a batch never holds more than the largest the queue allows, whatever it was given", "[write_batches]") {
    write_batches queue(1000);
    batch_log log;
    const int followers = static_cast<int>(write_batches::largest) + 3;
    REQUIRE(queue_behind_one(queue, log, followers));
    REQUIRE(log.batches.size() == 3);
    CHECK(log.batches[0] == std::vector<int>{0});
    CHECK(log.batches[1].size() == write_batches::largest);
    CHECK(log.batches[1].front() == 1);
    CHECK(log.batches[2] == std::vector<int>{followers - 2, followers - 1, followers});
}
