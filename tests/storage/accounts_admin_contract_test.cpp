// The account lists, preferences and deletion of the user and agent repositories: the same on every backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};

std::string uid(int n) {
    return "11111111-1111-4111-8111-1111111111" + std::string(n < 10 ? "0" : "") + std::to_string(n);
}

user sample(int n, std::string email) {
    user u;
    u.id = uid(n);
    u.email = std::move(email);
    u.name = "User " + std::to_string(n);
    u.password_hash = "hash";
    u.roles = n % 2 ? std::vector<std::string>{"customer"} : std::vector<std::string>{"admin", "staff"};
    u.created_at = u.updated_at = t0;
    return u;
}

agent sample_agent(int n, std::string email) {
    agent a;
    a.id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaa" + std::string(n < 10 ? "0" : "") + std::to_string(n);
    a.phone_number = "+21261234560" + std::to_string(n);
    a.country_code = "+212";
    a.first_name = "Youssef";
    a.last_name = "Alami";
    a.email = std::move(email);
    a.license_number = "01234" + std::to_string(n);
    a.created_at = a.updated_at = t0;
    return a;
}

std::vector<std::string> emails(const std::vector<user>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.email);
    return out;
}

void insert_users(backend_under_test& b) {
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(sample(1, "carol@example.com")));
        REQUIRE(r.users.insert(sample(2, "ana@example.com")));
        REQUIRE(r.users.insert(sample(3, "bob@other.org")));
        REQUIRE(r.users.insert(sample(4, "per%cent_x@example.com")));
    });
}
}  // namespace

TEST_CASE("the user list is sorted by e-mail and paged, with each user's roles", "[contract][users][admin]") {
    backend_under_test b;
    insert_users(b);
    b.uow->read([&](repositories& r) {
        const auto first = r.users.list({0, 3, std::nullopt});
        CHECK(emails(first) == std::vector<std::string>{"ana@example.com", "bob@other.org", "carol@example.com"});
        CHECK(first[0].roles == std::vector<std::string>{"admin", "staff"});
        CHECK(first[1].roles == std::vector<std::string>{"customer"});
        CHECK(first[0].id == uid(2));
        CHECK(first[0].created_at == t0);
        CHECK(emails(r.users.list({1, 3, std::nullopt})) == std::vector<std::string>{"per%cent_x@example.com"});
        CHECK(r.users.list({5, 3, std::nullopt}).empty());
        CHECK(r.users.count({5, 3, std::nullopt}) == 4);
    });
}

TEST_CASE("the user filter keeps e-mails containing the text, with % and _ taken literally",
          "[contract][users][admin]") {
    backend_under_test b;
    insert_users(b);
    b.uow->read([&](repositories& r) {
        CHECK(emails(r.users.list({0, 20, "example"})) ==
              std::vector<std::string>{"ana@example.com", "carol@example.com", "per%cent_x@example.com"});
        CHECK(r.users.count({0, 20, "example"}) == 3);
        CHECK(emails(r.users.list({0, 20, "%"})) == std::vector<std::string>{"per%cent_x@example.com"});
        CHECK(r.users.count({0, 20, "t_x"}) == 1);
        CHECK(r.users.count({0, 20, "a_a"}) == 0);
        CHECK(r.users.count({0, 20, "nobody"}) == 0);
        CHECK(r.users.list({0, 20, "nobody"}).empty());
    });
}

TEST_CASE("lock_active_with_role counts the active holders of a role only", "[contract][users][admin]") {
    backend_under_test b;
    insert_users(b);
    b.uow->write([&](repositories& r) {
        CHECK(r.users.lock_active_with_role("admin") == 2);
        CHECK(r.users.lock_active_with_role("customer") == 2);
        CHECK(r.users.lock_active_with_role("root") == 0);
    });
    b.uow->write([&](repositories& r) {
        auto u = *r.users.find_by_id(uid(2));
        u.is_active = false;
        REQUIRE(r.users.update(u));
    });
    b.uow->write([&](repositories& r) { CHECK(r.users.lock_active_with_role("admin") == 1); });
}

TEST_CASE("of two admins deleting themselves at the same moment, one remains", "[contract][users][admin][race]") {
    backend_under_test b;
    insert_users(b);  // the admins are users 2 and 4
    // Each transaction locks its own row, then waits (a bounded poll) until the other has locked its own too, so that
    // both count while the other's deletion is still open. SQLite and the fake serialise writers: the first
    // transaction finishes before the second begins, and the wait ends at its bound.
    std::atomic<int> own_rows_locked{0};
    std::atomic<int> deleted{0};
    auto delete_self = [&](int n) {
        bool arrived = false;  // a transaction retried after a deadlock does not arrive twice
        b.uow->write([&](repositories& r) {
            auto self = r.users.lock_by_id(uid(n));
            REQUIRE(self);
            if (!arrived) {
                arrived = true;
                ++own_rows_locked;
                const auto bound = std::chrono::steady_clock::now() + std::chrono::seconds(2);
                while (own_rows_locked < 2 && std::chrono::steady_clock::now() < bound) std::this_thread::yield();
            }
            if (r.users.lock_active_with_role("admin") <= 1) return;
            REQUIRE(r.users.remove(uid(n)));
            ++deleted;
        });
    };
    std::thread first(delete_self, 2), second(delete_self, 4);
    first.join();
    second.join();
    CHECK(deleted == 1);
    b.uow->write([&](repositories& r) { CHECK(r.users.lock_active_with_role("admin") == 1); });
}

TEST_CASE("an empty user table lists nothing and counts zero", "[contract][users][admin]") {
    backend_under_test b;
    b.uow->read([&](repositories& r) {
        CHECK(r.users.list({0, 20, std::nullopt}).empty());
        CHECK(r.users.count({0, 20, std::nullopt}) == 0);
    });
}

TEST_CASE("preferences are absent until saved, then read back, and a save replaces them",
          "[contract][users][preferences]") {
    backend_under_test b;
    insert_users(b);
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.users.find_preferences(uid(1))); });
    b.uow->write([&](repositories& r) { r.users.save_preferences(uid(1), R"({"theme":"dark"})", t0); });
    b.uow->read([&](repositories& r) { CHECK(r.users.find_preferences(uid(1)) == R"({"theme":"dark"})"); });
    b.uow->write([&](repositories& r) { r.users.save_preferences(uid(1), R"({"lang":"fr-MA ñ"})", t0); });
    b.uow->read([&](repositories& r) {
        CHECK(r.users.find_preferences(uid(1)) == R"({"lang":"fr-MA ñ"})");
        CHECK_FALSE(r.users.find_preferences(uid(2)));
    });
}

TEST_CASE("preferences of 64 KiB are kept whole", "[contract][users][preferences]") {
    backend_under_test b;
    insert_users(b);
    const std::string big = R"({"k":")" + std::string(64 * 1024 - 8, 'x') + "\"}";
    b.uow->write([&](repositories& r) { r.users.save_preferences(uid(1), big, t0); });
    b.uow->read([&](repositories& r) { CHECK(r.users.find_preferences(uid(1)) == big); });
}

TEST_CASE("removing a user removes its roles and preferences too", "[contract][users][preferences]") {
    backend_under_test b;
    insert_users(b);
    b.uow->write([&](repositories& r) { r.users.save_preferences(uid(2), R"({"a":1})", t0); });
    b.uow->write([&](repositories& r) { REQUIRE(r.users.remove(uid(2))); });
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.users.find_preferences(uid(2)));
        CHECK(r.users.count({0, 20, std::nullopt}) == 3);
    });
    // A new user under the same id starts from nothing (no role or preference rows left behind).
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(sample(2, "ana@example.com"))); });
    b.uow->read([&](repositories& r) {
        CHECK_FALSE(r.users.find_preferences(uid(2)));
        CHECK(r.users.find_by_id(uid(2))->roles == std::vector<std::string>{"admin", "staff"});
    });
}

TEST_CASE("the agent list is sorted by e-mail, paged and filtered on a part of the e-mail",
          "[contract][agents][admin]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.agents.insert(sample_agent(1, "zed@example.com")));
        REQUIRE(r.agents.insert(sample_agent(2, "amina@example.com")));
        auto third = sample_agent(3, "k@other.org");
        third.agency_id = "77777777-7777-4777-8777-777777777777";
        third.status = agent_status::suspended;
        REQUIRE(r.agents.insert(third));
    });
    b.uow->read([&](repositories& r) {
        const auto first = r.agents.list({0, 2, std::nullopt});
        REQUIRE(first.size() == 2);
        CHECK(first[0].email == "amina@example.com");
        CHECK(first[1].email == "k@other.org");
        CHECK(first[1].agency_id == "77777777-7777-4777-8777-777777777777");
        CHECK(first[1].status == agent_status::suspended);
        CHECK_FALSE(first[0].agency_id);
        CHECK(first[0].created_at == t0);
        const auto second = r.agents.list({1, 2, std::nullopt});
        REQUIRE(second.size() == 1);
        CHECK(second[0].email == "zed@example.com");
        CHECK(r.agents.count({0, 2, std::nullopt}) == 3);
        CHECK(r.agents.count({0, 2, "example"}) == 2);
        CHECK(r.agents.list({0, 20, "other"}).size() == 1);
        CHECK(r.agents.count({0, 20, "_"}) == 0);
    });
}
