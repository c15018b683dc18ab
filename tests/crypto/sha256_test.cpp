#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/crypto/sha256.hpp"
#include "core/common/encoding.hpp"
#include "core/sessions/refresh_token_key.hpp"

using authd::crypto::hmac_sha256;
using authd::crypto::sha256_hex;

namespace {

std::string hex(std::string_view raw) {
    return authd::hex_encode({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()});
}

}  // namespace

TEST_CASE("sha256_hex of \"abc\" is the FIPS 180-2 example digest", "[crypto][sha256]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("sha256_hex of the empty string is the well-known empty digest", "[crypto][sha256]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("openssl_digest gives lower-case hex SHA-256 like sha256_hex", "[crypto][sha256]") {
    authd::crypto::openssl_digest digest("unused key");
    authd::secret_digest& port = digest;
    CHECK(port.sha256_hex("abc") == sha256_hex("abc"));
}

TEST_CASE("openssl_digest's keyed digest is HMAC-SHA-256 under the code digest key, not under the server key",
          "[crypto][sha256]") {
    authd::crypto::openssl_digest digest("Jefe");
    // HMAC-SHA-256 under HKDF-SHA-256("Jefe", no salt, info "authd code digest"), computed outside authd (Python's
    // cryptography package).
    CHECK(digest.keyed_hex("what do ya want for nothing?") ==
          "187abff073e21e656d8090644c30f835cdb08e808d2a2540dcfc1834d019d63f");
    CHECK(authd::crypto::openssl_digest("other key").keyed_hex("what do ya want for nothing?") !=
          digest.keyed_hex("what do ya want for nothing?"));
}

TEST_CASE(
    "openssl_digest's candidates are the current digest, then the one keyed with the server key itself "
    "(RFC 4231 case 2), which rows written before per-purpose keys hold",
    "[crypto][sha256]") {
    authd::crypto::openssl_digest digest("Jefe");
    const auto all = digest.keyed_hex_candidates("what do ya want for nothing?");
    REQUIRE(all.size() == 2);
    CHECK(all[0] == digest.keyed_hex("what do ya want for nothing?"));
    CHECK(all[1] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac_sha256 returns the raw 32-byte MAC of RFC 4231 test case 1", "[crypto][sha256]") {
    const std::string key(20, '\x0b');
    const std::string mac = hmac_sha256(key, "Hi There");
    CHECK(mac.size() == 32);
    CHECK(hex(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST_CASE("hmac_sha256 matches RFC 4231 test case 2, a key shorter than the block", "[crypto][sha256]") {
    CHECK(hex(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("hmac_sha256 matches RFC 4231 test case 6, a key longer than the block that is hashed first",
          "[crypto][sha256]") {
    const std::string key(131, '\xaa');
    CHECK(hex(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")) ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("a prepared hmac_sha256_key gives RFC 4231's MACs, again and again on one thread", "[crypto][sha256]") {
    const authd::crypto::hmac_sha256_key short_key("Jefe"), long_key(std::string(131, '\xaa'));
    for (int round = 0; round < 3; ++round) {  // the second and third calls reuse each thread's context
        CHECK(hex(short_key.sign("what do ya want for nothing?")) ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        CHECK(hex(long_key.sign("Test Using Larger Than Block-Size Key - Hash Key First")) ==
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        CHECK(hex(short_key.sign("")) == hex(hmac_sha256("Jefe", "")));
    }
}

TEST_CASE("more prepared keys than a thread keeps contexts for each still sign under their own key",
          "[crypto][sha256]") {
    std::vector<authd::crypto::hmac_sha256_key> keys;
    for (int i = 0; i < 9; ++i) keys.emplace_back("key number " + std::to_string(i) + " of nine, long enough");
    for (int round = 0; round < 2; ++round)
        for (int i = 0; i < 9; ++i)
            CHECK(keys[static_cast<std::size_t>(i)].sign("message") ==
                  hmac_sha256("key number " + std::to_string(i) + " of nine, long enough", "message"));
}

TEST_CASE("a key made where a destroyed one lived never signs with the old key's context", "[crypto][sha256]") {
    std::optional<authd::crypto::hmac_sha256_key> key;
    key.emplace("the first key, used once on this thread");
    const std::string first = key->sign("message");
    key.emplace("the second key, at the same address now");
    CHECK(key->sign("message") == hmac_sha256("the second key, at the same address now", "message"));
    CHECK(key->sign("message") != first);
}

TEST_CASE("one prepared key signs from several threads at once", "[crypto][sha256]") {
    const authd::crypto::hmac_sha256_key key("a key shared by four threads at once");
    const std::string expected = hmac_sha256("a key shared by four threads at once", "the same message");
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i)
                if (key.sign("the same message") != expected) ++wrong;
        });
    for (auto& thread : threads) thread.join();
    CHECK(wrong.load() == 0);
}

TEST_CASE("with DB_ENCRYPTION_KEYS the candidates add each old key's digests, so codes made before a key change match",
          "[crypto][sha256]") {
    authd::crypto::openssl_digest before("Jefe"), during("a-new-key-of-at-least-32-bytes-long!!", {"Jefe"});
    const std::string code = "what do ya want for nothing?";
    const auto all = during.keyed_hex_candidates(code);
    REQUIRE(all.size() == 4);
    CHECK(all[0] == during.keyed_hex(code));
    CHECK(all[0] != before.keyed_hex(code));
    CHECK(all[1] == before.keyed_hex(code));
    CHECK(all[3] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");  // RFC 4231 case 2
}

TEST_CASE("a refresh token's key on OpenSSL is its prefix and the first 54 digits of coreutils' sha256sum",
          "[crypto][sha256][refresh_key]") {
    // printf %s 0069f0f4c0ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq | sha256sum
    // 347833b87791a60839d338e8efbc7d60dd6dffd21dd5b621093b13848ddc66a6
    authd::crypto::openssl_digest digest("server key");
    CHECK(authd::refresh_token_key(digest, "0069f0f4c0ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq") ==
          "0069f0f4c0347833b87791a60839d338e8efbc7d60dd6dffd21dd5b621093b13");
}
