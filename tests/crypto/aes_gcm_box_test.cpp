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
    CHECK(sealed.rfind("v3.", 0) == 0);
    CHECK(sealed[11] == '.');  // v3.<8 hex digits: the key id>.<payload>
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
    CHECK_FALSE(box.open("v2.", "user-1"));
    const auto payload = sealed.substr(12);
    CHECK_FALSE(box.open("v1." + payload, "user-1"));                        // read as v1 it takes the other key
    CHECK_FALSE(box.open("v3.00000000." + payload, "user-1"));               // a key id of no key given
    CHECK_FALSE(box.open("v3." + sealed.substr(3, 8) + payload, "user-1"));  // no separator
    CHECK_FALSE(box.open("not sealed at all", "user-1"));
    CHECK_FALSE(box.open("", "user-1"));
}

TEST_CASE("a value sealed before per-purpose keys (v1) still opens, and only for its context",
          "[crypto][aes_gcm_box]") {
    // Sealed outside authd (Python's cryptography package): AES-256-GCM under SHA-256("authd secret_box v1\n" + key),
    // nonce 00..0b, context "user-1" as the additional data: what versions before HKDF wrote.
    const std::string v1 = "v1.AAECAwQFBgcICQoLIoU6ZzzYYHoUuC18cGsjrwEZF_BEOE54_4qh";
    aes_gcm_box box(key);
    CHECK(box.open(v1, "user-1") == std::string("legacy seed"));
    CHECK_FALSE(box.open(v1, "user-2"));
    CHECK_FALSE(aes_gcm_box("another-key-that-is-at-least-32-bytes!!").open(v1, "user-1"));
}

TEST_CASE("with DB_ENCRYPTION_KEYS the first key seals, and every key opens what it sealed", "[crypto][aes_gcm_box]") {
    const std::string old_key = key, new_key = "the-next-encryption-key-of-32-bytes-or-more";
    aes_gcm_box before(old_key), during(new_key, {old_key}), after(new_key);
    const auto old_seal = before.seal(seed, "user-1");
    const auto new_seal = during.seal(seed, "user-1");
    CHECK(during.open(old_seal, "user-1") == seed);
    CHECK(during.open(new_seal, "user-1") == seed);
    CHECK(after.open(new_seal, "user-1") == seed);
    CHECK_FALSE(after.open(old_seal, "user-1"));  // the old key left the list
    CHECK_FALSE(before.open(new_seal, "user-1"));
    CHECK_FALSE(during.open(old_seal, "user-2"));
    // The key id tells a reseal what is left to do.
    CHECK(before.sealed_with_current_key(old_seal));
    CHECK_FALSE(during.sealed_with_current_key(old_seal));
    CHECK(during.sealed_with_current_key(new_seal));
    CHECK(after.sealed_with_current_key(new_seal));
    CHECK_FALSE(during.sealed_with_current_key("v2." + old_seal.substr(12)));
    CHECK(old_seal.substr(3, 8) != new_seal.substr(3, 8));
    // Values sealed before key ids (v2: the same AES key, no id) open under whichever key of the list sealed them.
    CHECK(during.open("v2." + old_seal.substr(12), "user-1") == seed);
    CHECK(during.open("v2." + new_seal.substr(12), "user-1") == seed);
    CHECK_FALSE(after.open("v2." + old_seal.substr(12), "user-1"));
    // And v1, under an old key of the list.
    CHECK(aes_gcm_box("another-key-that-is-at-least-32-bytes!!", {key})
              .open("v1.AAECAwQFBgcICQoLIoU6ZzzYYHoUuC18cGsjrwEZF_BEOE54_4qh", "user-1") == std::string("legacy seed"));
}
