// The secret_box port on AES-256-GCM: what it seals opens only under the same key and context.
#include <catch2/catch.hpp>

#include "adapters/crypto/aes_gcm_box.hpp"

using authd::crypto::aes_gcm_box;

namespace {
const std::string key = "test-encryption-key-at-least-32-bytes!!";
const std::string seed = std::string("\x00\x01\xfe\xff seed bytes of twenty", 24);
}  // namespace

TEST_CASE("a sealed secret opens to the same bytes, and the text carries no plaintext", "[crypto][aes_gcm_box]") {
    aes_gcm_box box(key);
    const auto sealed = box.seal(seed, "user-1");
    CHECK(sealed.rfind("v1.", 0) == 0);
    CHECK(sealed.find("seed bytes") == std::string::npos);
    CHECK(box.open(sealed, "user-1") == seed);
    CHECK(box.open(box.seal("", "user-1"), "user-1") == std::string());
}

TEST_CASE("two seals of one secret differ: every seal draws a fresh nonce", "[crypto][aes_gcm_box]") {
    aes_gcm_box box(key);
    CHECK(box.seal(seed, "user-1") != box.seal(seed, "user-1"));
}

TEST_CASE("a sealed secret does not open for another context or under another key", "[crypto][aes_gcm_box]") {
    aes_gcm_box box(key);
    const auto sealed = box.seal(seed, "user-1");
    CHECK_FALSE(box.open(sealed, "user-2"));
    CHECK_FALSE(aes_gcm_box("another-key-that-is-at-least-32-bytes!!").open(sealed, "user-1"));
}

TEST_CASE("a sealed secret with any byte changed, cut short or garbled does not open", "[crypto][aes_gcm_box]") {
    aes_gcm_box box(key);
    const auto sealed = box.seal(seed, "user-1");
    for (std::size_t i = 3; i < sealed.size(); ++i) {
        auto altered = sealed;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        CAPTURE(i);
        CHECK_FALSE(box.open(altered, "user-1"));
    }
    CHECK_FALSE(box.open(sealed.substr(0, sealed.size() - 4), "user-1"));
    CHECK_FALSE(box.open("v1.", "user-1"));
    CHECK_FALSE(box.open("v2." + sealed.substr(3), "user-1"));
    CHECK_FALSE(box.open("not sealed at all", "user-1"));
    CHECK_FALSE(box.open("", "user-1"));
}
