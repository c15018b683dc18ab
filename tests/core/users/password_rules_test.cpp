// The one rule for a new password, at every place one is chosen: the length, the account's own details, and the
// screen of common passwords (a fake here; zxcvbn's own tests are the crypto adapter's).
#include "core/users/password_rules.hpp"

#include <catch2/catch.hpp>

#include "tests/support/identity_fixture.hpp"

using namespace authd;

namespace {
std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field + ": " + e.message);
    return out;
}
}  // namespace

TEST_CASE("a new password may not be the account's e-mail address, its name part or a name, in any case",
          "[core][users][passwords]") {
    test::fake_screen screen;
    const auto personal = personal_details("ana.lima@example.com", {"Ana Lima", ""});
    CHECK(personal == std::vector<std::string>{"ana.lima@example.com", "ana.lima", "Ana Lima"});
    for (const std::string own : {"ana.lima@example.com", "ANA.LIMA", "ana lima"})
        CHECK(check_new_password(own, personal, screen) == "must not be your e-mail address or your name");
    CHECK(check_new_password("password1", personal, screen) == "is too easy to guess");
    CHECK(check_new_password("short", personal, screen) == "must be 8 to 128 characters");
    CHECK_FALSE(check_new_password("ana-lima-horse", personal, screen));
}

TEST_CASE("registration, reset, change and the operator refuse a guessable password, naming the field",
          "[core][users][passwords]") {
    test::identity_fixture f;
    auto user = f.auth.register_user({"ana@example.com", "password1", "Ana", std::nullopt});
    REQUIRE_FALSE(user.ok());
    CHECK(fields_of(user.error()) == std::vector<std::string>{"password: is too easy to guess"});
    auto named = f.auth.register_user({"ana@example.com", "Ana@Example.com", "Ana", std::nullopt});
    REQUIRE_FALSE(named.ok());
    CHECK(fields_of(named.error()) ==
          std::vector<std::string>{"password: must not be your e-mail address or your name"});
    auto client = f.clients.register_client({"cleo@example.com", "qwertyuiop", "Cleo", "Martin", std::nullopt});
    REQUIRE_FALSE(client.ok());
    CHECK(fields_of(client.error()) == std::vector<std::string>{"password: is too easy to guess"});
    auto surname = f.clients.register_client({"cleo@example.com", "martinez", "Cleo", "Martinez", std::nullopt});
    REQUIRE_FALSE(surname.ok());
    CHECK(fields_of(surname.error()) ==
          std::vector<std::string>{"password: must not be your e-mail address or your name"});
    CHECK(f.store.snapshot().users.empty());
}
