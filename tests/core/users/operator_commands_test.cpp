// The operator's commands over the memory fakes: a first admin, a password set from the command line, sessions ended
// and a lock cleared, each found by e-mail address and refused clearly when there is no such account.
#include "core/users/operator_commands.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture : test::identity_fixture {
    operator_commands ops{store, hasher, screen, tokens, rng, clock};

    token_pair signed_in(const std::string& email, const std::string& password) {
        auto r = login(password, email);
        REQUIRE(r.ok());
        REQUIRE(r->tokens);
        return *r->tokens;
    }
};
}  // namespace

TEST_CASE("create-user makes an active account with the role, a verified address and a working password",
          "[core][users][operator]") {
    fixture f;
    auto created = f.ops.create_user("Root@Example.com", "admin", "correct-horse-battery");
    REQUIRE(created.ok());
    CHECK(created->email == "root@example.com");
    CHECK(created->roles == std::vector<std::string>{"admin"});
    CHECK(created->email_verified);
    CHECK(created->is_active);
    const auto session = f.signed_in("root@example.com", "correct-horse-battery");
    auto who = f.tokens.authenticate(session.access_token);
    REQUIRE(who.ok());
    CHECK(who->has_role("admin"));
}

TEST_CASE("create-user refuses a taken address, an unknown role and a bad password, naming them",
          "[core][users][operator]") {
    fixture f;
    f.registered();
    auto taken = f.ops.create_user("ana@example.com", "admin", "correct-horse-battery");
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::email_taken);
    auto bad = f.ops.create_user("not-an-address", "root", "short");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errc::validation_failed);
    std::vector<std::string> fields;
    for (const auto& e : bad.error().fields) fields.push_back(e.field);
    CHECK(fields == std::vector<std::string>{"email", "password", "role"});
}

TEST_CASE("set-password replaces the password, clears the lock and ends every session", "[core][users][operator]") {
    fixture f;
    f.registered();
    const auto session = f.signed_in("ana@example.com", "correct-horse");
    for (int i = 0; i < 5; ++i) CHECK_FALSE(f.login("wrong-password").ok());
    REQUIRE(f.ops.set_password("ANA@example.com", "new-horse-battery").ok());
    CHECK_FALSE(f.tokens.authenticate(session.access_token).ok());
    CHECK(f.login("new-horse-battery").ok());
    CHECK_FALSE(f.login("correct-horse").ok());
    auto weak = f.ops.set_password("ana@example.com", "short");
    REQUIRE_FALSE(weak.ok());
    CHECK(weak.error().fields.at(0).field == "password");
}

TEST_CASE("revoke-sessions ends every session and unlock clears the lock, both by address", "[core][users][operator]") {
    fixture f;
    f.registered();
    const auto one = f.signed_in("ana@example.com", "correct-horse");
    const auto two = f.signed_in("ana@example.com", "correct-horse");
    REQUIRE(f.ops.revoke_sessions("ana@example.com").ok());
    CHECK_FALSE(f.tokens.authenticate(one.access_token).ok());
    CHECK_FALSE(f.tokens.authenticate(two.access_token).ok());

    for (int i = 0; i < 5; ++i) CHECK_FALSE(f.login("wrong-password").ok());
    CHECK(f.login("correct-horse").error().code == errc::account_locked);
    REQUIRE(f.ops.unlock("ana@example.com").ok());
    CHECK(f.login("correct-horse").ok());
}

TEST_CASE("every command answers not_found for an address with no account", "[core][users][operator]") {
    fixture f;
    CHECK(f.ops.set_password("nobody@example.com", "new-horse-battery").error().code == errc::not_found);
    CHECK(f.ops.revoke_sessions("nobody@example.com").error().code == errc::not_found);
    CHECK(f.ops.unlock("nobody@example.com").error().code == errc::not_found);
}
