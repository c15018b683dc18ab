// Use cases that take an account's row before they act, raced on each SQL backend against a write that holds that row:
// the use case must wait for it and then act on what it committed. On PostgreSQL and MariaDB the row lock orders
// them; SQLite lets one writer in at a time, so there the use case waits in the process's queue of writers.
#include <catch2/catch.hpp>

#include <future>
#include <stdexcept>
#include <thread>

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
struct accounts {
    backend_under_test b;
    fake_clock clock;
    counting_random rng;
    fake_digest digest;
    fake_codec codec;
    fake_hasher hasher;
    fake_screen screen;
    recording_notifier notifier;
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

    /// Holds until `racer` waits for the held write: for its row lock on a server database, in the writers' queue on
    /// SQLite. Only then does what the racer does after the write commits prove the order.
    bool waits_for_the_held_write() {
        if (b.name() != "sqlite") return b.database->a_statement_waits();
        const auto bound = std::chrono::steady_clock::now() + 10s;
        while (b.soci->queued_writes() == 0 && std::chrono::steady_clock::now() < bound) std::this_thread::yield();
        return b.soci->queued_writes() == 1;
    }
};
}  // namespace

TEST_CASE("forgot mails no reset link to the old address when an e-mail change commits while it waits",
          "[sql][race][passwords]") {
    accounts a;
    std::promise<void> changed, commit;
    std::future<void> change;
    std::future<outcome> forgot;
    const set_on_exit ends_change(commit);  // after the futures: it lets the change commit before they join
    // An e-mail change being confirmed: it holds Ana's row, her new address written and not yet committed.
    change = std::async(std::launch::async, [&] {
        a.b.uow->write([&](repositories& r) {
            auto ana = r.users.lock_by_id(ana_id);
            if (!ana) throw std::runtime_error("no account to change");  // a Catch2 check is the test thread's own
            ana->email = "ana.new@example.com";
            r.users.update(*ana);
            changed.set_value();
            commit.get_future().wait();
        });
    });
    REQUIRE(changed.get_future().wait_for(10s) == std::future_status::ready);
    // Forgot for the old address finds the account by the last committed address, then waits for its row.
    forgot = std::async(std::launch::async, [&] { return a.passwords.forgot("ana@example.com"); });
    CHECK(a.waits_for_the_held_write());
    commit.set_value();
    change.get();
    CHECK(forgot.get().ok());  // the same answer as for any address

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
    std::promise<void> started, commit;
    std::future<token_pair> sign_in;
    std::future<void> logout_all;
    const set_on_exit ends_sign_in(commit);  // after the futures: it lets the sign-in commit before they join
    // A sign-in's last step: it holds Ana's row, as every path that starts or ends her sessions takes it, and has
    // written her new session without committing it yet.
    sign_in = std::async(std::launch::async, [&] {
        token_pair pair;
        a.b.uow->write([&](repositories& r) {
            if (!r.users.lock_by_id(ana_id)) throw std::runtime_error("no account to sign in to");
            pair = a.tokens.start_session(r, ana_id, principal_type::user, {"customer"}, client_info{});
            started.set_value();
            commit.get_future().wait();
        });
        return pair;
    });
    REQUIRE(started.get_future().wait_for(10s) == std::future_status::ready);
    logout_all = std::async(std::launch::async, [&] { a.tokens.logout_all(ana_id); });
    CHECK(a.waits_for_the_held_write());
    commit.set_value();
    const auto pair = sign_in.get();
    logout_all.get();

    // Ordered after the sign-in, logout-all ended its session too: neither its access nor its refresh token works.
    CHECK_FALSE(a.tokens.authenticate(pair.access_token).ok());
    CHECK_FALSE(a.tokens.refresh(pair.refresh_token).ok());
    a.b.uow->read([&](repositories& r) {
        const auto s = r.sessions.find(pair.session_id);
        REQUIRE(s);
        CHECK(s->revoked_at);
    });
}
