// The session view under threads, as the network and worker threads use it: run by scripts/tsan under
// ThreadSanitizer, which fails the test on any data race or lock-order inversion.
#include <atomic>
#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/sessions/session_view.hpp"

using namespace authd;

TEST_CASE("session view: finds, remembers and revocations from several threads at once keep it consistent",
          "[adapters][sessions][threads]") {
    session_view view(session_view::settings{.capacity = 256});
    const time_point now{std::chrono::sys_days{std::chrono::year{2026} / 12 / 4}};
    auto session_of = [&](int principal) {
        return live_session{"u-" + std::to_string(principal), principal_type::user, now, now + seconds{3600}};
    };
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 5000; ++i) {
                const int principal = i % 8;
                const auto id = "s-" + std::to_string(i % 300);
                switch ((i + t) % 4) {
                    case 0: view.remember(id, session_of(principal)); break;
                    case 1:
                        // Whatever is found is whole: one principal's entry, never a torn mix.
                        if (const auto s = view.find(id, now); s && s->principal_id.rfind("u-", 0) != 0) ++wrong;
                        break;
                    case 2:
                        if (i % 50 == 0) view.forget(id);
                        break;
                    default:
                        if (i % 500 == 0) view.forget_principal("u-" + std::to_string(principal));
                }
            }
        });
    for (auto& th : threads) th.join();
    CHECK(wrong == 0);
    CHECK(view.size() <= 256);
    // After the storm it still works: a revoked principal's session is not kept, another's is.
    view.forget_principal("u-1");
    view.remember("s-after", session_of(1));
    CHECK_FALSE(view.find("s-after", now));
    view.remember("s-other", session_of(2));
    CHECK(view.find("s-other", now));
}
