// The secret check of the start (JWT_SECRET_KEY, DB_ENCRYPTION_KEY): at least 32 bytes is not enough when the value is
// a placeholder, a few characters repeated or a phrase; a random 32-byte value in any common encoding passes.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "app/config.hpp"

using authd::app::weak_secret;

TEST_CASE("placeholders, low-entropy values and phrases are refused as secrets", "[config]") {
    for (const auto* weak : {
             "short",
             "change-me-to-48-random-bytes-in-base64-please!!",              // docker/.env.example's placeholder
             "replace-with-at-least-32-random-bytes-please",                 // an older compose file's
             "your-256-bit-secret-your-256-bit-secret",                      // jwt.io's example
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",  // one character
             "abababababababababababababababababababab",                     // a short alphabet
             "0101010101010101010101010101010101010101010101010101",
             "this-is-my-super-secret-key-for-signing-jwt-tokens",  // a dictionary phrase
             "correct horse battery staple correct horse",
         }) {
        CAPTURE(weak);
        CHECK(weak_secret(weak));
    }
}

TEST_CASE("a random 32-byte value passes in hex, base64, base64url and base32", "[config]") {
    std::mt19937 gen(7);  // fixed: the same values on every run
    for (int round = 0; round < 50; ++round) {
        std::vector<unsigned char> bytes(32);
        for (auto& b : bytes) b = static_cast<unsigned char>(gen() & 0xff);
        std::string hex, b64, b32;
        for (const unsigned char b : bytes) {
            static const char* digits = "0123456789abcdef";
            hex += digits[b >> 4];
            hex += digits[b & 15];
        }
        static const char* alphabet64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        static const char* alphabet32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        unsigned buffer = 0;
        int bits = 0;
        for (const unsigned char b : bytes) {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 6) b64 += alphabet64[(buffer >> (bits -= 6)) & 63];
        }
        buffer = 0;
        bits = 0;
        for (const unsigned char b : bytes) {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5) b32 += alphabet32[(buffer >> (bits -= 5)) & 31];
        }
        CAPTURE(hex, b64, b32);
        CHECK_FALSE(weak_secret(hex));
        CHECK_FALSE(weak_secret(b64));
        CHECK_FALSE(weak_secret(b32));
        std::string lower32 = b32;
        for (auto& ch : lower32) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        CHECK_FALSE(weak_secret(lower32));
    }
}
