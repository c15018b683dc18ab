#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

#include "adapters/crypto/openssl_random.hpp"

namespace {

bool all_zero(std::span<const std::uint8_t> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

}  // namespace

TEST_CASE("openssl_random fills the whole buffer, first half and second half alike", "[crypto][openssl_random]") {
    authd::crypto::openssl_random rng;
    std::array<std::uint8_t, 64> buffer{};
    rng.fill(buffer);
    // Either half staying all zero by chance has probability 2^-256.
    CHECK_FALSE(all_zero(std::span(buffer).first(32)));
    CHECK_FALSE(all_zero(std::span(buffer).last(32)));
}

TEST_CASE("two 32-byte draws from openssl_random differ", "[crypto][openssl_random]") {
    authd::crypto::openssl_random rng;
    std::array<std::uint8_t, 32> a{};
    std::array<std::uint8_t, 32> b{};
    rng.fill(a);
    rng.fill(b);
    CHECK(a != b);
}

TEST_CASE("openssl_random accepts an empty buffer", "[crypto][openssl_random]") {
    authd::crypto::openssl_random rng;
    CHECK_NOTHROW(rng.fill({}));
}
