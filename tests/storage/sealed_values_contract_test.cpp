// The sealed columns on every backend, and `authd keys reseal` over them: after DB_ENCRYPTION_KEYS gains a new first
// key, every TOTP secret, unsent message secret and signing key's private half is sealed again under it, once;
// what no key opens is counted and left alone.
#include <catch2/catch.hpp>

#include "adapters/crypto/aes_gcm_box.hpp"
#include "core/keys/reseal.hpp"
#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0 = std::chrono::floor<seconds>(std::chrono::system_clock::now());
const std::string old_key = "the-old-encryption-key-of-32-bytes-or-more";
const std::string new_key = "the-new-encryption-key-of-32-bytes-or-more";
const std::string lost_key = "a-key-nobody-lists-any-more-32-bytes-long";

std::string user_id(int n) { return "11111111-1111-4111-8111-00000000000" + std::to_string(n); }

/// Users 1 to 4 (4 with a secret sealed under a key no longer listed, 2 without TOTP), message 1, signing key k1.
void fill(backend_under_test& b) {
    crypto::aes_gcm_box old_box(old_key), lost_box(lost_key);
    b.uow->write([&](repositories& r) {
        for (int n = 1; n <= 4; ++n) {
            user u;
            u.id = user_id(n);
            u.email = "user" + std::to_string(n) + "@example.com";
            u.name = "U";
            u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
            u.roles = {"customer"};
            u.created_at = u.updated_at = t0;
            REQUIRE(r.users.insert(u));
            if (n != 2) u.totp_secret = (n == 4 ? lost_box : old_box).seal("seed-" + std::to_string(n), u.id);
            REQUIRE(r.users.update(u));
        }
        queued_message q;
        q.message_id = "00000000-0000-4000-8000-000000000001";
        q.message.channel = channel::sms;
        q.message.kind = message_kind::otp_code;
        q.message.recipient = "+212600000001";
        q.message.recipient_name = "R";
        q.message.lifetime = 300s;
        q.message.account_id = user_id(1);
        q.recipient_key = std::string(64, 'a');
        q.sealed_secret = old_box.seal("123456", q.message_id);
        q.next_attempt_at = t0;
        q.created_at = t0;
        q.expires_at = t0 + 1h;
        r.messages.add(q);
        r.signing_keys.insert(stored_signing_key{"k1", "EdDSA",
                                                 "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
                                                 old_box.seal("private pem", "k1"), t0, std::nullopt});
    });
}

std::vector<sealed_value> all_of(backend_under_test& b, sealed_column c) {
    std::vector<sealed_value> out;
    b.uow->read([&](repositories& r) { out = r.sealed_values.page(c, "", 100); });
    return out;
}
}  // namespace

TEST_CASE("sealed values come in row key order, page by page, and a replacement holds only over the value read",
          "[contract][keys][reseal]") {
    backend_under_test b;
    fill(b);
    std::vector<sealed_value> first, rest;
    b.uow->read([&](repositories& r) {
        first = r.sealed_values.page(sealed_column::totp_secret, "", 1);
        REQUIRE(first.size() == 1);
        rest = r.sealed_values.page(sealed_column::totp_secret, first.back().key, 10);
    });
    CHECK(first[0].key == user_id(1));
    REQUIRE(rest.size() == 2);  // user 2 has no TOTP secret
    CHECK(rest[0].key == user_id(3));
    CHECK(rest[1].key == user_id(4));
    CHECK(all_of(b, sealed_column::message_secret).size() == 1);
    CHECK(all_of(b, sealed_column::signing_key).at(0).key == "k1");

    auto stale = first[0];
    stale.sealed = "not what the row holds";
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.sealed_values.replace(stale, "v3.x"));
        CHECK(r.sealed_values.replace(first[0], "v3.replaced"));
        CHECK_FALSE(r.sealed_values.replace(first[0], "v3.again"));  // it no longer holds the value read
    });
    CHECK(all_of(b, sealed_column::totp_secret).at(0).sealed == "v3.replaced");
}

TEST_CASE("a reseal moves every readable value to the new first key once, and leaves what no key opens",
          "[contract][keys][reseal]") {
    backend_under_test b;
    fill(b);
    crypto::aes_gcm_box during(new_key, {old_key}), after(new_key);
    const auto first = reseal_secrets(*b.uow, during);
    CHECK(first.resealed == 4);  // users 1 and 3, the message, the signing key
    CHECK(first.current == 0);
    CHECK(first.unreadable == 1);  // user 4's
    const auto again = reseal_secrets(*b.uow, during);
    CHECK(again.resealed == 0);
    CHECK(again.current == 4);
    CHECK(again.unreadable == 1);

    // The old key can now leave the list: the new one alone opens everything that was readable.
    const auto totp = all_of(b, sealed_column::totp_secret);
    REQUIRE(totp.size() == 3);
    CHECK(after.open(totp[0].sealed, user_id(1)) == std::string("seed-1"));
    CHECK(after.open(totp[1].sealed, user_id(3)) == std::string("seed-3"));
    CHECK_FALSE(after.open(totp[2].sealed, user_id(4)));
    CHECK(after.open(all_of(b, sealed_column::message_secret).at(0).sealed, "00000000-0000-4000-8000-000000000001") ==
          std::string("123456"));
    CHECK(after.open(all_of(b, sealed_column::signing_key).at(0).sealed, "k1") == std::string("private pem"));
}
