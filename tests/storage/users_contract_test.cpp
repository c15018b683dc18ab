// The user repository's contract, the same on every backend.
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};

user sample(std::string id, std::string email, std::optional<std::string> username = std::nullopt) {
    user u;
    u.id = std::move(id);
    u.email = std::move(email);
    u.username = std::move(username);
    u.name = "Ana Ñúñez";
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    u.roles = {"customer"};
    u.created_at = t0;
    u.updated_at = t0 + seconds{5};
    return u;
}

const std::string id1 = "11111111-1111-4111-8111-111111111111";
const std::string id2 = "22222222-2222-4222-8222-222222222222";
}  // namespace

TEST_CASE("a user round-trips every field, and is found by id, e-mail and username", "[contract][users]") {
    backend_under_test b;
    auto u = sample(id1, "ana@example.com", "ana");
    u.lockout = {3, t0 + std::chrono::minutes{15}};
    u.mfa_enabled = true;
    u.email_verified = true;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(u)); });
    b.uow->read([&](repositories& r) {
        for (const auto& found : {r.users.find_by_id(id1), r.users.find_by_email("ana@example.com"),
                                  r.users.find_by_username("ana"), r.users.lock_by_id(id1)}) {
            REQUIRE(found);
            CHECK(found->id == id1);
            CHECK(found->email == "ana@example.com");
            CHECK(found->username == "ana");
            CHECK(found->name == "Ana Ñúñez");
            CHECK(found->password_hash == u.password_hash);
            CHECK(found->roles == std::vector<std::string>{"customer"});
            CHECK(found->is_active);
            CHECK(found->mfa_enabled);
            CHECK(found->email_verified);
            CHECK(found->lockout.failures == 3);
            CHECK(found->lockout.locked_until == t0 + std::chrono::minutes{15});
            CHECK(found->created_at == t0);
            CHECK(found->updated_at == t0 + seconds{5});
        }
    });
}

TEST_CASE("a user without a username keeps it empty, and unknown keys find nothing", "[contract][users]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(sample(id1, "ana@example.com"))); });
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.users.find_by_id(id1)->username);
        CHECK_FALSE(r.users.find_by_id(id2));
        CHECK_FALSE(r.users.find_by_email("nobody@example.com"));
        CHECK_FALSE(r.users.find_by_username("nobody"));
        CHECK_FALSE(r.users.find_by_id(id1)->lockout.locked_until);
    });
}

TEST_CASE("a taken e-mail or username makes insert answer false, not throw", "[contract][users]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(sample(id1, "ana@example.com", "ana"))); });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.users.insert(sample(id2, "ana@example.com"))); });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.users.insert(sample(id2, "bea@example.com", "ana"))); });
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.users.find_by_id(id2)); });
}

TEST_CASE("a taken key inside a transaction leaves the transaction usable, and the rest of it commits",
          "[contract][users][transactions]") {
    // PostgreSQL aborts a whole transaction on a failed statement unless the statement ran under a savepoint.
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(sample(id1, "ana@example.com", "ana")));
        CHECK_FALSE(r.users.insert(sample(id2, "ana@example.com")));
        auto taken = sample(id1, "ana@example.com", "ana");
        REQUIRE(r.users.insert(sample(id2, "bea@example.com", "bea")));
        taken.id = id2;
        taken.username = "ana";
        CHECK_FALSE(r.users.update(taken));
        CHECK(r.users.find_by_email("bea@example.com"));
    });
    b.uow->read([&](repositories& r) {
        CHECK(r.users.find_by_id(id1));
        REQUIRE(r.users.find_by_id(id2));
        CHECK(r.users.find_by_id(id2)->username == "bea");
    });
}

TEST_CASE("update writes the mutable fields and leaves the roles alone, set_roles replaces them", "[contract][users]") {
    backend_under_test b;
    auto u = sample(id1, "ana@example.com", "ana");
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(u)); });
    u.name = "Ana B";
    u.username.reset();
    u.is_active = false;
    u.password_hash = "new";
    u.lockout = {0, std::nullopt};
    u.roles = {"admin"};  // not written by update
    b.uow->write([&](repositories& r) { r.users.update(u); });
    b.uow->write([&](repositories& r) { r.users.set_roles(id1, {"staff", "admin"}); });
    b.uow->read([&](repositories& r) {
        auto found = r.users.find_by_id(id1);
        CHECK(found->name == "Ana B");
        CHECK_FALSE(found->username);
        CHECK_FALSE(found->is_active);
        CHECK(found->password_hash == "new");
        CHECK(found->roles == std::vector<std::string>{"admin", "staff"});
    });
}

TEST_CASE("remove deletes once", "[contract][users]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(sample(id1, "ana@example.com"))); });
    b.uow->write([&](repositories& r) { CHECK(r.users.remove(id1)); });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.users.remove(id1)); });
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.users.find_by_email("ana@example.com")); });
}

TEST_CASE("a unit of work that throws leaves nothing behind", "[contract][transactions]") {
    backend_under_test b;
    CHECK_THROWS_AS(b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(sample(id1, "ana@example.com")));
        throw std::runtime_error("boom");
    }),
                    std::runtime_error);
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.users.find_by_id(id1)); });
    // And the connection is fine afterwards.
    b.uow->write([&](repositories& r) { CHECK(r.users.insert(sample(id1, "ana@example.com"))); });
}

TEST_CASE("update answers false when the new username belongs to another user", "[contract][users]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(sample(id1, "ana@example.com", "ana")));
        REQUIRE(r.users.insert(sample(id2, "bea@example.com", "bea")));
    });
    auto bea = sample(id2, "bea@example.com", "ana");
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.users.update(bea)); });
    b.uow->read([&](repositories& r) { CHECK(r.users.find_by_id(id2)->username == "bea"); });
    bea.username = "bee";
    b.uow->write([&](repositories& r) { CHECK(r.users.update(bea)); });
}

TEST_CASE("after_commit runs once the work has committed, and never after a rollback", "[contract][transactions]") {
    backend_under_test b;
    bool seen_committed = false;
    int runs = 0;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(sample(id1, "ana@example.com")));
        r.after_commit.push_back([&] {
            ++runs;
            // The hook sees the committed row from another unit of work.
            b.uow->read([&](repositories& again) { seen_committed = again.users.find_by_id(id1).has_value(); });
        });
        CHECK(runs == 0);
    });
    CHECK(runs == 1);
    CHECK(seen_committed);

    bool rolled_back_ran = false;
    CHECK_THROWS(b.uow->write([&](repositories& r) {
        r.after_commit.push_back([&] { rolled_back_ran = true; });
        throw std::runtime_error("abandon");
    }));
    CHECK_FALSE(rolled_back_ran);
}
