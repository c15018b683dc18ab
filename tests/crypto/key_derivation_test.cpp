// HKDF-SHA-256 against RFC 5869's test vectors, and the per-purpose keys made with it.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/crypto/key_derivation.hpp"
#include "core/common/encoding.hpp"

using authd::crypto::hkdf_sha256;
using authd::crypto::purpose_key;

namespace {
std::string hex(std::string_view raw) {
    return authd::hex_encode({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
}
std::string bytes(std::uint8_t from, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += static_cast<char>(static_cast<std::uint8_t>(from + i));
    return out;
}
}  // namespace

TEST_CASE("hkdf_sha256 gives RFC 5869 test case 1", "[crypto][hkdf]") {
    CHECK(hex(hkdf_sha256(std::string(22, '\x0b'), bytes(0x00, 13), bytes(0xf0, 10), 42)) ==
          "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("hkdf_sha256 gives RFC 5869 test case 2 (long inputs)", "[crypto][hkdf]") {
    CHECK(hex(hkdf_sha256(bytes(0x00, 80), bytes(0x60, 80), bytes(0xb0, 80), 82)) ==
          "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f"
          "09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

TEST_CASE("hkdf_sha256 gives RFC 5869 test case 3 (no salt, no info)", "[crypto][hkdf]") {
    CHECK(hex(hkdf_sha256(std::string(22, '\x0b'), {}, {}, 42)) ==
          "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST_CASE("purpose keys are 32 bytes, one per purpose and per server key", "[crypto][hkdf]") {
    const std::string server = "test-encryption-key-at-least-32-bytes!!";
    const auto box = purpose_key(server, "secret box");
    CHECK(box.size() == 32);
    CHECK(box == purpose_key(server, "secret box"));
    CHECK(box != purpose_key(server, "code digest"));
    CHECK(box != purpose_key("another-key-that-is-at-least-32-bytes!!", "secret box"));
    CHECK(box == hkdf_sha256(server, {}, "authd secret box", 32));
}
