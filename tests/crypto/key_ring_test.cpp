// Asymmetric access tokens (EdDSA, ES256, RS256): what the key ring signs verifies with its public key only, a token
// names its key and cannot choose another (nor bring one), retired keys verify and never sign, a key made elsewhere is
// picked up, and the JWK Set says what a verifier needs.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "adapters/crypto/jwt_codec.hpp"
#include "adapters/crypto/key_ring.hpp"
#include "core/common/encoding.hpp"
#include "tests/crypto/sample_claims.hpp"

using namespace authd;
using namespace authd::crypto;

namespace {
const time_point now = test::claims_now;
using test::sample_claims;

/// A ring over keys the test changes at will, as the store would.
struct ring_fixture {
    std::string alg;
    std::vector<ring_key> keys;
    key_ring ring{alg, [this] { return keys; }, std::chrono::steady_clock::duration::zero()};
    jwt_codec codec{ring, jwt_settings{"https://authd.example.test"}};

    explicit ring_fixture(std::string algorithm) : alg(std::move(algorithm)) {
        add_key("k1");
        ring.reload();
    }
    void add_key(const std::string& kid) {
        const auto pair = openssl_key_pair_maker().make(alg);
        keys.push_back({kid, pair.public_pem, pair.private_pem});
    }
};

std::string part(const std::string& token, int n) {
    std::size_t start = 0;
    for (int i = 0; i < n; ++i) start = token.find('.', start) + 1;
    const auto end = token.find('.', start);
    return token.substr(start, end == std::string::npos ? std::string::npos : end - start);
}
std::string header_of(const std::string& token) { return base64url_decode(part(token, 0)).value_or(""); }
std::string with_header(const std::string& token, const std::string& header) {
    return base64url_encode(header) + "." + part(token, 1) + "." + part(token, 2);
}
}  // namespace

TEST_CASE("each asymmetric algorithm signs tokens that verify, naming the key in the header", "[crypto][key_ring]") {
    for (const std::string alg : {"EdDSA", "ES256", "RS256"}) {
        CAPTURE(alg);
        ring_fixture f(alg);
        const auto token = f.codec.sign(sample_claims());
        CHECK(header_of(token) == R"({"alg":")" + alg + R"(","typ":"JWT","kid":"k1"})");
        const auto claims = f.codec.verify(token, now);
        REQUIRE(claims);
        CHECK(claims->subject == "u-42");
        if (alg == "ES256") CHECK(base64url_decode(part(token, 2))->size() == 64);  // r || s, not DER
        if (alg == "EdDSA") CHECK(base64url_decode(part(token, 2))->size() == 64);
    }
}

TEST_CASE("a token naming no key, an unknown key or another algorithm does not verify", "[crypto][key_ring]") {
    ring_fixture f("EdDSA");
    const auto token = f.codec.sign(sample_claims());
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"EdDSA","typ":"JWT"})"), now));
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"EdDSA","typ":"JWT","kid":"nobody"})"), now));
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"EdDSA","typ":"JWT","kid":""})"), now));
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"EdDSA","typ":"JWT","kid":7})"), now));
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"ES256","typ":"JWT","kid":"k1"})"), now));
    CHECK_FALSE(f.codec.verify(with_header(token, R"({"alg":"none","typ":"JWT","kid":"k1"})"), now));
}

TEST_CASE("HS256 with the public key as its secret does not verify where the algorithm is asymmetric",
          "[crypto][key_ring]") {
    ring_fixture f("RS256");
    // The classic confusion: the attacker signs with HMAC, keyed by the PEM anyone can fetch.
    const std::string input =
        base64url_encode(R"({"alg":"HS256","typ":"JWT","kid":"k1"})") + "." + part(f.codec.sign(sample_claims()), 1);
    const auto forged = input + "." + hs256_signature(f.keys[0].public_pem, input);
    CHECK_FALSE(f.codec.verify(forged, now));
}

TEST_CASE("a key carried in the header (jwk, jku, x5u) is never used", "[crypto][key_ring]") {
    ring_fixture f("EdDSA");
    // The attacker's own key pair: a token it signs verifies under its key, not under ours.
    ring_fixture attacker("EdDSA");
    const auto token = attacker.codec.sign(sample_claims());
    CHECK_FALSE(f.codec.verify(token, now));
    const std::string brought = R"({"alg":"EdDSA","typ":"JWT","kid":"k1","jku":"https://evil.example/jwks","jwk":)" +
                                std::string(R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"}})");
    CHECK_FALSE(f.codec.verify(with_header(token, brought), now));
}

TEST_CASE("after a rotation the new key signs and the retired one still verifies, without signing",
          "[crypto][key_ring]") {
    ring_fixture f("ES256");
    const auto before = f.codec.sign(sample_claims());
    f.keys[0].private_pem.clear();  // retired: verification only
    f.add_key("k2");
    f.ring.reload();
    const auto after = f.codec.sign(sample_claims());
    CHECK(header_of(after).find(R"("kid":"k2")") != std::string::npos);
    CHECK(f.codec.verify(before, now));
    CHECK(f.codec.verify(after, now));
    // Expired: the store no longer lists it, and its tokens stop verifying.
    f.keys.erase(f.keys.begin());
    f.ring.reload();
    CHECK_FALSE(f.codec.verify(before, now));
    CHECK(f.codec.verify(after, now));
}

TEST_CASE("a signature verified before is remembered for that exact token only, and forgotten with its key",
          "[crypto][key_ring]") {
    for (const std::string alg : {"EdDSA", "ES256", "RS256"}) {
        CAPTURE(alg);
        ring_fixture f(alg);
        const auto token = f.codec.sign(sample_claims());
        const auto other = f.codec.sign(sample_claims());  // ES256 signs at random: another signature of one input
        const auto counted = [&] {
            const auto c = f.ring.signature_lookups();
            return std::pair{c.hits, c.misses};
        };
        using counts = std::pair<std::uint64_t, std::uint64_t>;
        REQUIRE(f.codec.verify(token, now));
        CHECK(counted() == counts{0, 1});
        REQUIRE(f.codec.verify(token, now));  // again: remembered, not checked
        CHECK(counted() == counts{1, 1});
        // A remembered signature vouches for nothing else: not another payload, not another signature, not a
        // signature moved onto the input it was not made for, nor bytes shifted between the two.
        auto claims = sample_claims();
        claims.subject = "u-43";
        const auto forged = part(f.codec.sign(claims), 0) + "." + part(f.codec.sign(claims), 1) + "." + part(token, 2);
        CHECK_FALSE(f.codec.verify(forged, now));
        const auto input = part(token, 0) + "." + part(token, 1);
        const auto signature = *base64url_decode(part(token, 2));
        CHECK(f.ring.verify("k1", input, signature));
        CHECK_FALSE(f.ring.verify("k1", input + signature.substr(0, 1), signature.substr(1)));
        CHECK_FALSE(f.ring.verify("k1", input.substr(0, input.size() - 1), input.substr(input.size() - 1) + signature));
        std::string flipped = signature;
        flipped[5] = static_cast<char>(flipped[5] ^ 1);
        CHECK_FALSE(f.ring.verify("k1", input, flipped));
        if (alg == "ES256") CHECK(part(other, 2) != part(token, 2));
        CHECK(f.codec.verify(other, now));

        // A reload that finds the same keys keeps what was verified; one whose keys changed starts afresh, and a
        // key that left the ring takes its tokens with it.
        const auto before_reload = counted();
        f.ring.reload();
        CHECK(f.codec.verify(token, now));
        CHECK(counted() == counts{before_reload.first + 1, before_reload.second});
        const auto original = f.keys;
        f.keys.clear();
        f.add_key("k1");  // the same kid for another key (a key file replaced): its old signatures fail
        f.ring.reload();
        CHECK(counted() == counts{before_reload.first + 1, before_reload.second});  // the counts outlive the cache
        CHECK_FALSE(f.codec.verify(token, now));
        CHECK(counted() == counts{before_reload.first + 1, before_reload.second + 1});
        f.keys = original;
        f.ring.reload();
        f.keys[0].private_pem.clear();
        f.add_key("k2");
        f.ring.reload();
        CHECK(f.codec.verify(token, now));  // retired, still listed: checked again, and good
        f.keys.erase(f.keys.begin());
        f.ring.reload();
        CHECK_FALSE(f.codec.verify(token, now));
        CHECK_FALSE(f.ring.verify("k1", input, signature));
    }
}

TEST_CASE("a token naming a key made elsewhere after the last reload verifies: the ring reads the store again",
          "[crypto][key_ring]") {
    ring_fixture here("EdDSA");
    ring_fixture other("EdDSA");
    other.keys = here.keys;
    other.add_key("k2");  // another instance rotated
    other.keys[0].private_pem.clear();
    other.ring.reload();
    const auto token = other.codec.sign(sample_claims());
    here.keys = other.keys;  // the shared store has the new key; this ring has not read it yet
    CHECK(here.codec.verify(token, now));
}

TEST_CASE("the JWK Set lists every key with kty, its public numbers, kid, alg and use, and no private part",
          "[crypto][key_ring]") {
    ring_fixture ed("EdDSA");
    const auto jwks = ed.ring.jwks_json();
    CHECK(jwks.rfind(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")", 0) == 0);
    CHECK(jwks.find(R"("kid":"k1","alg":"EdDSA","use":"sig"})") != std::string::npos);
    CHECK(jwks.find(R"("d")") == std::string::npos);
    ring_fixture ec("ES256");
    CHECK(ec.ring.jwks_json().find(R"("kty":"EC","crv":"P-256","x":")") != std::string::npos);
    CHECK(ec.ring.jwks_json().find(R"(,"y":")") != std::string::npos);
    ring_fixture rsa("RS256");
    CHECK(rsa.ring.jwks_json().find(R"("kty":"RSA","n":")") != std::string::npos);
    CHECK(rsa.ring.jwks_json().find(R"(,"e":"AQAB")") != std::string::npos);
}

TEST_CASE("a ring refuses a key of another type and signs nothing before its first load", "[crypto][key_ring]") {
    std::vector<ring_key> keys;
    const auto rsa = openssl_key_pair_maker().make("RS256");
    keys.push_back({"k1", rsa.public_pem, rsa.private_pem});
    key_ring ring("EdDSA", [&] { return keys; });
    jwt_codec codec(ring, jwt_settings{"authd"});
    CHECK_THROWS(codec.sign(sample_claims()));
    CHECK_THROWS(ring.reload());
}

TEST_CASE("aud is written and checked when set, and iat in the future is refused beyond the leeway",
          "[crypto][jwt_codec]") {
    hmac_keys keys("test-secret-0123456789abcdef-0123456789abcdef");
    jwt_codec with_aud(keys, jwt_settings{"authd", "orders-api"});
    jwt_codec other_aud(keys, jwt_settings{"authd", "billing-api"});
    jwt_codec no_aud(keys, jwt_settings{"authd"});
    const auto token = with_aud.sign(sample_claims());
    CHECK(base64url_decode(part(token, 1))->find(R"("aud":"orders-api")") != std::string::npos);
    CHECK(with_aud.verify(token, now));
    CHECK_FALSE(other_aud.verify(token, now));
    CHECK_FALSE(with_aud.verify(no_aud.sign(sample_claims()), now));

    auto future = sample_claims();
    future.issued_at = now + seconds{20};
    const auto early = no_aud.sign(future);
    CHECK_FALSE(no_aud.verify(early, now));
    jwt_codec lenient(keys, jwt_settings{"authd", "", seconds{30}});
    CHECK(lenient.verify(early, now));
    // The leeway also lets a just-expired token through, and no further.
    CHECK(lenient.verify(no_aud.sign(sample_claims()), now + seconds{900 + 29}));
    CHECK_FALSE(lenient.verify(no_aud.sign(sample_claims()), now + seconds{900 + 31}));
}
