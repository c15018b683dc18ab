// Use cases that take an account's row before they act, raced on each SQL backend against a write that holds that row:
// the use case must wait for it and then act on what it committed. On PostgreSQL and MariaDB the row lock orders
// them; SQLite lets one writer in at a time, so there the use case waits in the process's queue of writers.
#include <catch2/catch.hpp>

#include <functional>
#include <future>
#include <stdexcept>
#include <thread>
#include <type_traits>

#include "adapters/storage/soci_store.hpp"
#include "core/users/password_service.hpp"
#include "tests/storage/backend.hpp"
#include "tests/support/set_on_exit.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const std::string ana_id = "11111111-1111-4111-8111-111111111111";

/// Ana's account, and the use cases under test wired to this backend, with fakes only for what is no storage.
struct accounts : fake_ports {
    backend_under_test b;
    token_service tokens{*b.uow, codec, digest, rng, clock, token_settings{}};
    password_service passwords{*b.uow, hasher, screen, tokens,           notifier,
                               digest, rng,    clock,  lockout_policy{}, password_settings{}};

    accounts() {
        user ana;
        ana.id = ana_id;
        ana.email = "ana@example.com";
        ana.name = "Ana";
        ana.password_hash = "hash:correct-horse";
        ana.roles = {"customer"};
        ana.created_at = ana.updated_at = clock.now();
        b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(ana)); });
    }

    /// Runs `held` in a write on a thread of its own and keeps that write open until `racer`, started on another
    /// thread meanwhile, is seen waiting for it; then lets it commit, and returns what the racer returned. `held`
    /// throws instead of failing a Catch2 check, which is the test thread's own.
    template <class Racer>
    std::invoke_result_t<Racer> race(const std::function<void(repositories&)>& held, Racer racer) {
        std::promise<void> written, commit;
        std::future<void> holder;
        std::future<std::invoke_result_t<Racer>> raced;
        const set_on_exit lets_holder_commit(commit);  // after the futures: it lets the holder go before they join
        holder = std::async(std::launch::async, [&] {
            b.uow->write([&](repositories& r) {
                held(r);
                written.set_value();
                commit.get_future().wait();
            });
        });
        REQUIRE(written.get_future().wait_for(10s) == std::future_status::ready);
        raced = std::async(std::launch::async, racer);
        // Only a racer seen waiting proves the order by what it does once the held write commits: a lock wait on a
        // server database, a place in the writers' queue on SQLite.
        if (b.name() == "sqlite") {
            const auto bound = std::chrono::steady_clock::now() + 10s;
            while (b.soci->queued_writes() == 0 && std::chrono::steady_clock::now() < bound) std::this_thread::yield();
            CHECK(b.soci->queued_writes() == 1);
        } else {
            CHECK(b.database->a_statement_waits());
        }
        commit.set_value();
        holder.get();
        return raced.get();
    }
};
}  // namespace

TEST_CASE("forgot mails no reset link to the old address when an e-mail change commits while it waits",
          "[sql][race][passwords]") {
    accounts a;
    // An e-mail change being confirmed holds Ana's row, her new address written; forgot for the old address finds
    // the account by the last committed address, then waits for the row.
    const auto answer = a.race(
        [](repositories& r) {
            auto ana = r.users.lock_by_id(ana_id);
            if (!ana) throw std::runtime_error("no account to change");
            ana->email = "ana.new@example.com";
            r.users.update(*ana);
        },
        [&] { return a.passwords.forgot("ana@example.com"); });
    CHECK(answer.ok());  // the same answer as for any address

    for (const auto& m : a.notifier.sent()) CHECK(m.kind != message_kind::password_reset);
    a.b.uow->read([&](repositories& r) { CHECK_FALSE(r.password_resets.latest(ana_id)); });
    // The new address gets its link as usual.
    REQUIRE(a.passwords.forgot("ana.new@example.com").ok());
    const auto sent = a.notifier.sent();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].recipient == "ana.new@example.com");
}

TEST_CASE("logout-all ends the session a sign-in holding the account's row made while it waited",
          "[sql][race][sessions]") {
    accounts a;
    // A sign-in's last step holds Ana's row, as every path that starts or ends her sessions takes it, and has written
    // her new session; logout-all waits for the row.
    token_pair pair;
    a.race(
        [&](repositories& r) {
            if (!r.users.lock_by_id(ana_id)) throw std::runtime_error("no account to sign in to");
            pair = a.tokens.start_session(r, ana_id, principal_type::user, {"customer"}, client_info{});
        },
        [&] { a.tokens.logout_all(ana_id); });

    // Ordered after the sign-in, logout-all ended its session too: neither its access nor its refresh token works.
    CHECK_FALSE(a.tokens.authenticate(pair.access_token).ok());
    CHECK_FALSE(a.tokens.refresh(pair.refresh_token).ok());
    a.b.uow->read([&](repositories& r) {
        const auto s = r.sessions.find(pair.session_id);
        REQUIRE(s);
        CHECK(s->revoked_at);
    });
}
