// zxcvbn's screen: the passwords people use most and their usual variations are refused, so is one built from the
// account's details or the service's name; random passwords of the allowed length and word pairs are not.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "adapters/crypto/zxcvbn_screen.hpp"

using authd::crypto::zxcvbn_screen;

namespace {
const std::vector<std::string> ana{"ana.lima@example.com", "ana.lima", "Ana Lima"};
}  // namespace

TEST_CASE("zxcvbn refuses the passwords at the top of the common lists and their usual variations",
          "[crypto][passwords]") {
    zxcvbn_screen screen("Acme Tickets");
    for (const std::string common : {"password", "password1", "Password1", "12345678", "qwertyuiop", "iloveyou",
                                     "sunshine1", "football", "monkey123", "dragon123", "letmein1", "passw0rd",
                                     "trustno1", "11111111", "aaaaaaaa", "abcd1234", "zaq12wsx", "admin password"}) {
        INFO(common);
        const auto why = screen.too_guessable(common, {});
        REQUIRE(why);
        CHECK(why->find("too easy to guess") != std::string::npos);
    }
}

TEST_CASE("zxcvbn refuses a password built from the account's details or the service's name", "[crypto][passwords]") {
    zxcvbn_screen screen("Acme Tickets");
    for (const std::string personal :
         {"ana.lima2024", "Ana.Lima1", "AnaLima2024", "acmetickets1", "Tickets2024", "ana.lima@example.com"}) {
        INFO(personal);
        const auto why = screen.too_guessable(personal, ana);
        REQUIRE(why);
        CHECK(why->find("e-mail address, your name or the service's name") != std::string::npos);
    }
    CHECK(screen.too_guessable("ana.lima2024", {}) == std::nullopt);  // without the account, nothing to go on
}

TEST_CASE("zxcvbn lets random passwords of the allowed length and word pairs with a separator through",
          "[crypto][passwords]") {
    zxcvbn_screen screen("authd");
    for (const std::string fine :
         {"xkqzjwpv", "mfhtrsla", "correct-horse", "new-horse-battery", "Tr0ub4dor&3", "operator-password-1",
          "correct horse battery staple", "7f3a9c2e", "Zürich-Ölberg-92"}) {
        INFO(fine);
        CHECK(screen.too_guessable(fine, ana) == std::nullopt);
    }
}

TEST_CASE("a password with a NUL is judged by what comes before it", "[crypto][passwords]") {
    zxcvbn_screen screen("authd");
    CHECK(screen.too_guessable(std::string("password\0xkqzjwpv-long-tail", 26), {}));
}
