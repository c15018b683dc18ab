#include <catch2/catch.hpp>

#include <argon2.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/crypto/openssl_random.hpp"
#include "adapters/crypto/password_hashing.hpp"

using authd::crypto::argon2_bcrypt_hasher;

namespace {

constexpr std::string_view password = "correct horse battery staple";

// Made once, independently of this code, with Debian's whois 5.5.17:
//   mkpasswd -m bcrypt -R 12 'correct horse battery staple'
constexpr std::string_view mkpasswd_bcrypt = "$2b$12$s19Lo6XND5erNta1xuyKWOqasnH/Ik7u1CjkuTPZheYD0xLBAgura";

}  // namespace

TEST_CASE("an argon2id hash verifies its password and needs no rehash", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const auto check = hasher.verify(password, hasher.hash(password));
    CHECK(check.matches);
    CHECK_FALSE(check.needs_rehash);
}

TEST_CASE("an argon2id hash does not verify a wrong password", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const std::string encoded = hasher.hash(password);
    const auto check = hasher.verify("correct horse battery stapler", encoded);
    CHECK_FALSE(check.matches);
    CHECK_FALSE(check.needs_rehash);
    CHECK_FALSE(hasher.verify("", encoded).matches);
}

TEST_CASE("new hashes are argon2id version 19 with OWASP's m=19456, t=2, p=1 as a PHC string",
          "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const std::string encoded = hasher.hash(password);
    CHECK(encoded.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    // 16 bytes of salt and 32 of hash, base64 without padding: 22 and 43 characters.
    CHECK(encoded.size() == std::string_view("$argon2id$v=19$m=19456,t=2,p=1$").size() + 22 + 1 + 43);
}

TEST_CASE("two hashes of the same password differ because each has its own salt", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const std::string a = hasher.hash(password);
    const std::string b = hasher.hash(password);
    CHECK(a != b);
    CHECK(hasher.verify(password, a).matches);
    CHECK(hasher.verify(password, b).matches);
}

TEST_CASE("an argon2id hash made with older parameters verifies and asks for a rehash", "[crypto][password_hashing]") {
    const std::array<std::uint8_t, 16> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    std::string old(argon2_encodedlen(3, 4096, 1, salt.size(), 32, Argon2_id), '\0');
    REQUIRE(argon2id_hash_encoded(3, 4096, 1, password.data(), password.size(), salt.data(), salt.size(), 32,
                                  old.data(), old.size()) == ARGON2_OK);
    old.resize(old.find('\0'));
    REQUIRE(old.starts_with("$argon2id$v=19$m=4096,t=3,p=1$"));

    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const auto check = hasher.verify(password, old);
    CHECK(check.matches);
    CHECK(check.needs_rehash);
    CHECK_FALSE(hasher.verify("wrong", old).matches);
}

TEST_CASE("a bcrypt hash made by mkpasswd verifies and asks for a rehash to argon2id", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const auto check = hasher.verify(password, mkpasswd_bcrypt);
    CHECK(check.matches);
    CHECK(check.needs_rehash);
}

TEST_CASE("the $2a$ and $2y$ spellings of a bcrypt hash verify like $2b$", "[crypto][password_hashing]") {
    // For a short ASCII password the three variants compute the same hash.
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    for (const std::string_view prefix : {"$2a$", "$2y$"}) {
        const std::string encoded = std::string(prefix) + std::string(mkpasswd_bcrypt.substr(4));
        CAPTURE(encoded);
        CHECK(hasher.verify(password, encoded).matches);
    }
}

TEST_CASE("a bcrypt hash does not verify a wrong password", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const auto check = hasher.verify("Correct horse battery staple", mkpasswd_bcrypt);
    CHECK_FALSE(check.matches);
    CHECK_FALSE(check.needs_rehash);
    // crypt_r stops at a NUL: a password that only agrees up to one must not match.
    CHECK_FALSE(hasher.verify(std::string(password) + std::string(1, '\0') + "x", mkpasswd_bcrypt).matches);
}

TEST_CASE("a truncated bcrypt hash never matches and does not crash", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const auto check = hasher.verify(password, "$2b$12$short");
    CHECK_FALSE(check.matches);
    CHECK_FALSE(check.needs_rehash);
}

TEST_CASE("unknown or malformed encodings never match", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    const std::string good = hasher.hash(password);
    std::string flipped = good;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    const auto encoded =
        GENERATE_COPY(as<std::string>{}, "", "correct horse battery staple", "$argon2id$", "$argon2id$garbage",
                      "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
                      "$1$saltsalt$abcdefghijklmnopqrstuv", "$2x$12$short", flipped, good.substr(0, good.size() - 10),
                      good + std::string(1, '\0'), std::string(mkpasswd_bcrypt) + "x");
    CAPTURE(encoded);
    const auto check = hasher.verify(password, encoded);
    CHECK_FALSE(check.matches);
    CHECK_FALSE(check.needs_rehash);
}

TEST_CASE("hashing and verifying from several threads at once gives correct answers", "[crypto][password_hashing]") {
    authd::crypto::openssl_random rng;
    argon2_bcrypt_hasher hasher(rng);
    constexpr int thread_count = 4;
    std::array<bool, thread_count> ok{};
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < thread_count; ++i) {
            threads.emplace_back([&hasher, &ok, i] {
                const std::string mine = "password number " + std::to_string(i);
                const std::string encoded = hasher.hash(mine);
                ok[static_cast<std::size_t>(i)] = hasher.verify(mine, encoded).matches &&
                                                  !hasher.verify("someone else", encoded).matches &&
                                                  hasher.verify(password, mkpasswd_bcrypt).matches;
            });
        }
    }
    for (const bool b : ok) CHECK(b);
}
