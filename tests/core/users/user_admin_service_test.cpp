#include "core/users/user_admin_service.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
const std::string unknown_id = "99999999-9999-4999-8999-999999999999";

struct fixture : test::identity_fixture {
    user_admin_service admin{store, tokens, clock};
    principal boss = make_admin("boss@admin.test");  // outside example.com, which the list tests filter on

    /// An active admin account, as the principal its token would prove.
    principal make_admin(const std::string& email) {
        const auto u = registered(email);
        store.write([&](repositories& r) { r.users.set_roles(u.id, {"admin"}); });
        return principal{u.id, principal_type::user, "s-" + u.id, {"admin"}, {}};
    }

    result<login_outcome> login(const std::string& password = "correct-horse",
                                const std::string& email = "ana@example.com") {
        return identity_fixture::login(password, email);
    }
    agent stored_agent(std::string id, std::string email) {
        agent a;
        a.id = std::move(id);
        a.phone_number = "+2126" + std::to_string(10000000 + store.snapshot().agents.size());
        a.country_code = "+212";
        a.first_name = "Amina";
        a.last_name = "B";
        a.email = std::move(email);
        a.license_number = std::to_string(100000 + store.snapshot().agents.size());
        store.write([&](repositories& r) { REQUIRE(r.agents.insert(a)); });
        return a;
    }
};
}  // namespace

TEST_CASE("the user list pages by e-mail and filters on a part of the e-mail in any case", "[core][users][admin]") {
    fixture f;
    for (const auto* e : {"carol@example.com", "ana@example.com", "bob@other.org"}) f.registered(e);
    auto first = f.admin.list_users({0, 2, std::nullopt});
    REQUIRE(first.ok());
    REQUIRE(first->items.size() == 2);
    CHECK(first->items[0].email == "ana@example.com");
    CHECK(first->items[1].email == "bob@other.org");
    CHECK(first->total_elements == 4);  // and the fixture's admin
    CHECK(first->total_pages == 2);
    auto filtered = f.admin.list_users({0, 20, "EXAMPLE"});
    REQUIRE(filtered.ok());
    CHECK(filtered->total_elements == 2);
    CHECK(filtered->items.size() == 2);
}

TEST_CASE("the user list refuses a negative page and a size outside 1 to 100", "[core][users][admin]") {
    fixture f;
    auto r = f.admin.list_users({-1, 101, std::nullopt});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == errc::validation_failed);
    CHECK(r.error().fields.size() == 2);
    CHECK_FALSE(f.admin.list_users({0, 0, std::nullopt}).ok());
    CHECK(f.admin.list_users({0, 100, std::nullopt}).ok());
}

TEST_CASE("an unknown or malformed user id is not_found for every admin action", "[core][users][admin]") {
    fixture f;
    for (const std::string& id :
         {unknown_id, std::string("nope"), std::string("99999999-9999-4999-8999-99999999999Z")}) {
        CHECK(f.admin.find_user(id).error().code == errc::not_found);
        CHECK(f.admin.set_active(f.boss, id, false).error().code == errc::not_found);
        CHECK(f.admin.remove_user(f.boss, id).error().code == errc::not_found);
        CHECK(f.admin.set_roles(f.boss, id, {"staff"}).error().code == errc::not_found);
        CHECK(f.admin.unlock(f.boss, id).error().code == errc::not_found);
        CHECK(f.admin.set_agent_status(f.boss, id, "suspended").error().code == errc::not_found);
    }
}

TEST_CASE("disabling a user ends its sessions at once and its next login is account_disabled", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    const auto pair = *f.login()->tokens;
    auto r = f.admin.set_active(f.boss, u.id, false);
    REQUIRE(r.ok());
    CHECK_FALSE(r->is_active);
    CHECK_FALSE(f.tokens.authenticate(pair.access_token).ok());
    CHECK_FALSE(f.tokens.refresh(pair.refresh_token).ok());
    CHECK(f.login().error().code == errc::account_disabled);
    REQUIRE(f.admin.set_active(f.boss, u.id, true).ok());
    CHECK(f.login().ok());
}

TEST_CASE("deleting a user removes it and ends its sessions", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    const auto pair = *f.login()->tokens;
    REQUIRE(f.admin.remove_user(f.boss, u.id).ok());
    CHECK(f.admin.find_user(u.id).error().code == errc::not_found);
    CHECK_FALSE(f.tokens.authenticate(pair.access_token).ok());
}

TEST_CASE("roles are replaced by known roles only, at least one, without duplicates", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    auto r = f.admin.set_roles(f.boss, u.id, {"staff", "admin", "staff"});
    REQUIRE(r.ok());
    CHECK(r->roles == std::vector<std::string>{"admin", "staff"});
    CHECK(f.admin.find_user(u.id)->roles == std::vector<std::string>{"admin", "staff"});
    auto unknown = f.admin.set_roles(f.boss, u.id, {"staff", "root"});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code == errc::validation_failed);
    CHECK(unknown.error().fields.at(0).field == "roles");
    CHECK(f.admin.set_roles(f.boss, u.id, {}).error().fields.at(0).field == "roles");
    CHECK(f.admin.find_user(u.id)->roles == std::vector<std::string>{"admin", "staff"});
}

TEST_CASE("taking a role away ends the user's sessions, and adding one does not", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    const auto first = *f.login()->tokens;
    REQUIRE(f.admin.set_roles(f.boss, u.id, {"customer", "staff"}).ok());
    CHECK(f.tokens.authenticate(first.access_token).ok());
    REQUIRE(f.admin.set_roles(f.boss, u.id, {"customer"}).ok());
    CHECK_FALSE(f.tokens.authenticate(first.access_token).ok());
}

TEST_CASE("unlocking clears the login lockout at once", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    for (int i = 0; i < 5; ++i) (void)f.login("wrong-horse");
    CHECK(f.login().error().code == errc::account_locked);
    REQUIRE(f.admin.unlock(f.boss, u.id).ok());
    CHECK(f.login().ok());
}

TEST_CASE("the agent list pages by e-mail and filters on a part of it", "[core][agents][admin]") {
    fixture f;
    f.stored_agent("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "zed@example.com");
    f.stored_agent("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "amina@example.com");
    auto all = f.admin.list_agents({0, 1, std::nullopt});
    REQUIRE(all.ok());
    REQUIRE(all->items.size() == 1);
    CHECK(all->items[0].email == "amina@example.com");
    CHECK(all->total_pages == 2);
    CHECK(f.admin.list_agents({0, 20, "ZED"})->total_elements == 1);
}

TEST_CASE("suspending an agent ends its sessions, and only active or suspended are accepted", "[core][agents][admin]") {
    fixture f;
    const auto a = f.stored_agent("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "amina@example.com");
    const auto pair = write_tx(f.store, [&](repositories& r) {
        return f.tokens.start_session(r, a.id, principal_type::agent, {"agent"}, {});
    });
    auto bad = f.admin.set_agent_status(f.boss, a.id, "deleted");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().fields.at(0).field == "status");
    auto r = f.admin.set_agent_status(f.boss, a.id, "suspended");
    REQUIRE(r.ok());
    CHECK(r->status == agent_status::suspended);
    CHECK_FALSE(f.tokens.authenticate(pair.access_token).ok());
    CHECK(f.admin.set_agent_status(f.boss, a.id, "active")->status == agent_status::active);
}

TEST_CASE("an admin cannot disable, delete or demote their own account", "[core][users][admin]") {
    fixture f;
    CHECK(f.admin.set_active(f.boss, f.boss.id, false).error().code == errc::own_account);
    CHECK(f.admin.remove_user(f.boss, f.boss.id).error().code == errc::own_account);
    CHECK(f.admin.set_roles(f.boss, f.boss.id, {"staff"}).error().code == errc::own_account);
    CHECK(f.admin.set_roles(f.boss, f.boss.id, {"admin", "staff"}).ok());  // keeping admin is no demotion
    CHECK(f.admin.set_active(f.boss, f.boss.id, true).ok());
    CHECK(f.stored(f.boss.id).is_active);
}

TEST_CASE("of two admins demoting each other, the second finds itself no admin: one admin remains",
          "[core][users][admin]") {
    fixture f;
    const auto other = f.make_admin("other@example.com");
    REQUIRE(f.admin.set_roles(f.boss, other.id, {"customer"}).ok());
    // `other` still holds a token saying admin, but is no admin any more: it may not demote the last one.
    CHECK(f.admin.set_roles(other, f.boss.id, {"customer"}).error().code == errc::forbidden);
    CHECK(f.admin.set_active(other, f.boss.id, false).error().code == errc::forbidden);
    CHECK(f.admin.remove_user(other, f.boss.id).error().code == errc::forbidden);
    CHECK(f.stored(f.boss.id).roles == std::vector<std::string>{"admin"});
}

TEST_CASE("an admin ends a user's sessions without disabling the account", "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    auto session = f.login();
    REQUIRE(session.ok());
    REQUIRE(f.admin.revoke_sessions(f.boss, u.id).ok());
    CHECK_FALSE(f.tokens.authenticate(session->tokens->access_token).ok());
    CHECK(f.stored(u.id).is_active);
    CHECK(f.login().ok());
    CHECK(f.admin.revoke_sessions(f.boss, unknown_id).error().code == errc::not_found);
}

TEST_CASE("ending sessions, unlocking and an agent's status take an actor who is still an active admin",
          "[core][users][admin]") {
    fixture f;
    const auto u = f.registered();
    const auto a = f.stored_agent("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "amina@example.com");
    const auto other = f.make_admin("other@example.com");
    REQUIRE(f.admin.set_roles(f.boss, other.id, {"customer"}).ok());
    // `other` still holds a token saying admin, but is no admin any more.
    CHECK(f.admin.revoke_sessions(other, u.id).error().code == errc::forbidden);
    CHECK(f.admin.unlock(other, u.id).error().code == errc::forbidden);
    CHECK(f.admin.set_agent_status(other, a.id, "suspended").error().code == errc::forbidden);
    CHECK(f.store.snapshot().agents.at(a.id).active());
    // No own-account guard here: an admin may end their own sessions and clear their own lockout.
    CHECK(f.admin.revoke_sessions(f.boss, f.boss.id).ok());
    CHECK(f.admin.unlock(f.boss, f.boss.id).ok());
}
