// Writes from several threads at once, each its own transaction whatever the store does with them: on SQLite the
// writes that queue while one runs go together in the next transaction (write_batches), each in a savepoint. One that
// throws rolls back alone and its error reaches its own caller; its after-commit hooks never run; each work sees its
// own caller's request origin, whichever thread runs it.
#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "core/audit/audit_event.hpp"
#include "tests/storage/backend.hpp"
#include "tests/support/temp_folder.hpp"

using namespace authd;
using namespace authd::test;

namespace {

const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 12 / 4} + std::chrono::hours{9}};

audit_event noted(std::string detail) {
    audit_event e;
    e.at = t0;
    e.type = audit_type::sign_in;
    e.outcome = audit_outcome::success;
    e.principal_id = "11111111-1111-4111-8111-111111111111";
    e.detail = std::move(detail);
    return e;
}

/// What one writer's thread saw.
struct writer_outcome {
    std::string origin_seen;  ///< the request origin inside its work
    std::string error;        ///< what write() threw, if anything
    bool hook_ran = false;
};

/// Writes the event `detail` as if serving a request from `ip`; then `after` runs in the same work.
std::thread writer(unit_of_work& uow, writer_outcome& out, std::string detail, std::string ip,
                   std::function<void(repositories&)> after = {}) {
    return std::thread([&uow, &out, detail = std::move(detail), ip = std::move(ip), after = std::move(after)] {
        const origin_scope origin(request_origin{ip, "test", "req-" + ip});
        try {
            uow.write([&](repositories& r) {
                out.origin_seen = current_origin().ip;
                r.audit.add(noted(detail));
                r.after_commit.push_back([&out] { out.hook_ran = true; });
                if (after) after(r);
            });
        } catch (const std::exception& e) {
            out.error = e.what();
        }
    });
}

std::vector<std::string> details(unit_of_work& uow) {
    std::vector<std::string> out;
    for (const auto& e : read_tx(uow, [](repositories& r) { return r.audit.list(audit_query{.size = 100}); }))
        out.push_back(e.detail);
    std::sort(out.begin(), out.end());
    return out;
}

/// Waits (bounded) until `count` writes queue behind the one running on SQLite; true at once elsewhere, where
/// writers run side by side.
bool queued_reaches(const storage::soci_store& store, std::size_t count) {
    if (store.kind() != storage::dialect::sqlite) return true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (store.queued_writes() < count && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    return store.queued_writes() == count;
}

}  // namespace

TEST_CASE("writes that wait for one another commit or fail each on its own, with their own caller's origin",
          "[sql][batched_writes]") {
    backend_under_test b;
    std::promise<void> inside, open;
    auto gate = open.get_future().share();
    writer_outcome leader, saved, refused, broken;
    std::vector<std::thread> threads;
    // The first write holds the writer (on SQLite) until the others wait behind it, queued one at a time so that
    // the one that commits goes first and each failure must undo only its own part of the batch.
    threads.push_back(writer(*b.uow, leader, "leader", "10.0.0.9", [&](repositories&) {
        inside.set_value();
        gate.wait();
    }));
    bool held = inside.get_future().wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    if (held) {
        threads.push_back(writer(*b.uow, saved, "saved", "10.0.0.1"));
        held = queued_reaches(*b.soci, 1);
    }
    if (held) {
        threads.push_back(writer(*b.uow, refused, "refused", "10.0.0.2",
                                 [](repositories&) { throw std::runtime_error("refused by its work"); }));
        held = queued_reaches(*b.soci, 2);
    }
    if (held) {
        threads.push_back(writer(*b.uow, broken, "broken", "10.0.0.3", [](repositories& r) {
            // A refresh token of no session: the database refuses it (a foreign key).
            r.sessions.insert_refresh_token(refresh_token{std::string(64, 'a'), "no-such-session", t0, t0, {}});
        }));
        held = queued_reaches(*b.soci, 3);
    }
    open.set_value();  // whatever happened: the threads must end before they are joined
    for (auto& t : threads) t.join();
    REQUIRE(held);

    CHECK(leader.error.empty());
    CHECK(saved.error.empty());
    CHECK(refused.error == "refused by its work");
    CHECK(broken.error.rfind("database error", 0) == 0);
    CHECK(leader.origin_seen == "10.0.0.9");
    CHECK(saved.origin_seen == "10.0.0.1");
    CHECK(refused.origin_seen == "10.0.0.2");
    CHECK(broken.origin_seen == "10.0.0.3");
    CHECK(leader.hook_ran);
    CHECK(saved.hook_ran);
    CHECK_FALSE(refused.hook_ran);
    CHECK_FALSE(broken.hook_ran);
    CHECK(details(*b.uow) == std::vector<std::string>{"leader", "saved"});
    CHECK(b.soci->queued_writes() == 0);
}

TEST_CASE("a write that ends SQLite's whole transaction fails alone and the rest of its batch runs again",
          "[sql][sqlite_file][batched_writes]") {
    // Some failures end SQLite's whole transaction, savepoints and all (a full disk, for one): the write that failed
    // cannot go back to its savepoint, and the batch's other writes, which did nothing wrong, must not fail with it.
    // A trigger that raises ROLLBACK ends the transaction the same way, on demand. The leader commits alone; the
    // three queued behind it make the next batch.
    test::temp_folder folder{"authd-batch"};
    const auto url = *storage::database_url::parse("sqlite:///" + (folder.path / "batch.db").string());
    storage::soci_store store(url, 4);
    store.migrate();
    {
        soci::session sql;
        storage::sql_dialect(url.kind).open(sql, url);
        sql << "CREATE TRIGGER ends_all BEFORE INSERT ON audit_events WHEN NEW.detail = 'ends all' "
               "BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction ends'); END";
    }
    std::promise<void> inside, open;
    auto gate = open.get_future().share();
    writer_outcome leader, saved, ender, later;
    std::vector<std::thread> threads;
    threads.push_back(writer(store, leader, "leader", "10.0.0.9", [&](repositories&) {
        inside.set_value();
        gate.wait();
    }));
    bool held = inside.get_future().wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    if (held) {
        threads.push_back(writer(store, saved, "saved", "10.0.0.1"));
        held = queued_reaches(store, 1);
    }
    if (held) {
        threads.push_back(writer(store, ender, "ends all", "10.0.0.2"));
        held = queued_reaches(store, 2);
    }
    if (held) {
        threads.push_back(writer(store, later, "later", "10.0.0.3"));
        held = queued_reaches(store, 3);
    }
    open.set_value();
    for (auto& t : threads) t.join();
    REQUIRE(held);

    CHECK(leader.error.empty());
    CHECK(saved.error.empty());
    CHECK(later.error.empty());
    CHECK(ender.error.rfind("database error", 0) == 0);
    CHECK(leader.hook_ran);
    CHECK(saved.hook_ran);
    CHECK(later.hook_ran);
    CHECK_FALSE(ender.hook_ran);
    CHECK(later.origin_seen == "10.0.0.3");
    CHECK(details(store) == std::vector<std::string>{"later", "leader", "saved"});
    CHECK(store.queued_writes() == 0);
}
