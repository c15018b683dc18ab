#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "adapters/crypto/jwt_codec.hpp"
#include "core/common/encoding.hpp"
#include "tests/crypto/sample_claims.hpp"

using authd::crypto::hs256_signature;
using authd::crypto::jwt_hs256;

namespace {

const std::string secret = "test-secret-0123456789abcdef-0123456789abcdef";
const std::string issuer = "https://authd.example.test";
const authd::time_point now = authd::test::claims_now;

authd::access_claims sample_claims() { return authd::test::sample_claims({"admin", "support"}); }

std::string b64(std::string_view s) { return authd::base64url_encode(s); }

// A compact JWS made by hand, so that tests can say things sign() never would.
std::string make_token(std::string_view header, std::string_view payload, std::string_view key = secret) {
    const std::string signing_input = b64(header) + "." + b64(payload);
    return signing_input + "." + hs256_signature(key, signing_input);
}

constexpr std::string_view good_header = R"({"alg":"HS256","typ":"JWT"})";

// A payload like sign()'s, with `times` standing for the iat/exp/nbf members.
std::string payload(std::string_view times, std::string_view iss = issuer, std::string_view typ = "user") {
    return R"({"iss":")" + std::string(iss) + R"(","sub":"u-42","typ":")" + std::string(typ) +
           R"(","sid":"s-7","roles":["admin"],)" + std::string(times) + R"(,"jti":"j-1"})";
}

std::string seconds_from_now(long long s) { return std::to_string(now.time_since_epoch().count() + s); }

const std::string good_times = R"("iat":)" + seconds_from_now(-60) + R"(,"exp":)" + seconds_from_now(900);

}  // namespace

TEST_CASE("hs256_signature reproduces the RFC 7515 appendix A.1 example", "[crypto][jwt_hs256]") {
    // The JWK "k" of the example, and its JWS Signing Input (header with CRLFs, as the RFC gives it).
    const auto key = authd::base64url_decode(
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
    REQUIRE(key.has_value());
    const std::string signing_input =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
        ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
    CHECK(hs256_signature(*key, signing_input) == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
}

TEST_CASE("a signed token verifies and gives back the claims it was signed with", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const auto claims = sample_claims();
    const std::string token = codec.sign(claims);

    CHECK(token.starts_with(b64(good_header) + "."));
    const auto got = codec.verify(token, now);
    REQUIRE(got.has_value());
    CHECK(got->subject == claims.subject);
    CHECK(got->type == claims.type);
    CHECK(got->session_id == claims.session_id);
    CHECK(got->roles == claims.roles);
    CHECK(got->issued_at == claims.issued_at);
    CHECK(got->expires_at == claims.expires_at);
    CHECK(got->token_id == claims.token_id);
}

TEST_CASE("the payload carries iss, sub, typ, sid, roles, iat, exp and jti", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    auto claims = sample_claims();
    claims.type = authd::principal_type::agent;
    const std::string token = codec.sign(claims);
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    const auto json = authd::base64url_decode(std::string_view(token).substr(first + 1, second - first - 1));
    REQUIRE(json.has_value());
    CHECK(*json == R"({"iss":")" + issuer + R"(","sub":"u-42","typ":"agent","sid":"s-7","roles":["admin","support"],)" +
                       R"("iat":)" + seconds_from_now(-60) + R"(,"exp":)" + seconds_from_now(900) + R"(,"jti":"j-1"})");
}

TEST_CASE("a hand-built token shaped like sign()'s verifies, so the rejections below are for their one flaw",
          "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    CHECK(codec.verify(make_token(good_header, payload(good_times)), now).has_value());
}

TEST_CASE("a token with alg none and no signature is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string unsigned_token = b64(R"({"alg":"none","typ":"JWT"})") + "." + b64(payload(good_times)) + ".";
    CHECK_FALSE(codec.verify(unsigned_token, now).has_value());
}

TEST_CASE("an HS512 header is rejected even with a valid HS256 signature", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    CHECK_FALSE(codec.verify(make_token(R"({"alg":"HS512","typ":"JWT"})", payload(good_times)), now).has_value());
}

TEST_CASE("any alg but HS256 is rejected, even with a valid HS256 signature", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const auto header = GENERATE(as<std::string>{}, R"({"alg":"none","typ":"JWT"})", R"({"alg":"RS256","typ":"JWT"})",
                                 R"({"alg":"hs256","typ":"JWT"})", R"({"alg":["HS256"],"typ":"JWT"})",
                                 R"({"alg":null})", R"({"typ":"JWT"})", R"({})");
    CAPTURE(header);
    CHECK_FALSE(codec.verify(make_token(header, payload(good_times)), now).has_value());
}

TEST_CASE("a header with a crit member is rejected, as no extension is understood", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    CHECK_FALSE(
        codec.verify(make_token(R"({"alg":"HS256","crit":["exp"],"exp":1})", payload(good_times)), now).has_value());
}

TEST_CASE("a token whose payload was changed after signing is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string token = codec.sign(sample_claims());
    const auto first = token.find('.');
    const auto second = token.find('.', first + 1);
    auto forged_claims = sample_claims();
    forged_claims.roles.push_back("superuser");
    const std::string forged = codec.sign(forged_claims);
    const auto forged_payload = forged.substr(forged.find('.') + 1, forged.rfind('.') - forged.find('.') - 1);
    const std::string tampered = token.substr(0, first + 1) + forged_payload + token.substr(second);
    REQUIRE(tampered != token);
    CHECK_FALSE(codec.verify(tampered, now).has_value());
}

TEST_CASE("a token signed with another secret is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 ours(secret, issuer);
    jwt_hs256 theirs("another-secret-0123456789abcdef-0123456789", issuer);
    CHECK_FALSE(ours.verify(theirs.sign(sample_claims()), now).has_value());
}

TEST_CASE("a token from another issuer is rejected even with the same secret", "[crypto][jwt_hs256]") {
    jwt_hs256 ours(secret, issuer);
    jwt_hs256 theirs(secret, "https://elsewhere.example.test");
    CHECK_FALSE(ours.verify(theirs.sign(sample_claims()), now).has_value());
    CHECK_FALSE(ours.verify(make_token(good_header, payload(good_times, "")), now).has_value());
}

TEST_CASE("a token without exp, or with an exp that is not an integer, is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string iat = R"("iat":)" + seconds_from_now(-60);
    CHECK_FALSE(codec.verify(make_token(good_header, payload(iat)), now).has_value());
    CHECK_FALSE(codec.verify(make_token(good_header, payload(iat + R"(,"exp":")" + seconds_from_now(900) + "\"")), now)
                    .has_value());
    CHECK_FALSE(codec.verify(make_token(good_header, payload(iat + R"(,"exp":)" + seconds_from_now(900) + ".5")), now)
                    .has_value());
    CHECK_FALSE(codec.verify(make_token(good_header, payload(iat + R"(,"exp":1e300)")), now).has_value());
}

TEST_CASE("a token is expired from the very second its exp names", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    auto claims = sample_claims();
    claims.expires_at = now;
    CHECK_FALSE(codec.verify(codec.sign(claims), now).has_value());
    claims.expires_at = now - authd::seconds{1};
    CHECK_FALSE(codec.verify(codec.sign(claims), now).has_value());
    claims.expires_at = now + authd::seconds{1};
    CHECK(codec.verify(codec.sign(claims), now).has_value());
}

TEST_CASE("a token whose nbf is still in the future is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    CHECK_FALSE(codec.verify(make_token(good_header, payload(good_times + R"(,"nbf":)" + seconds_from_now(1))), now)
                    .has_value());
    CHECK_FALSE(codec.verify(make_token(good_header, payload(good_times + R"(,"nbf":"soon")")), now).has_value());
    CHECK(codec.verify(make_token(good_header, payload(good_times + R"(,"nbf":)" + seconds_from_now(0))), now)
              .has_value());
}

TEST_CASE("a token whose typ is neither agent nor user is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    CHECK_FALSE(codec.verify(make_token(good_header, payload(good_times, issuer, "client")), now).has_value());
    CHECK(codec.verify(make_token(good_header, payload(good_times, issuer, "agent")), now).has_value());
}

TEST_CASE("a token missing sub, sid or iat is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string exp = R"("exp":)" + seconds_from_now(900);
    CHECK_FALSE(codec.verify(make_token(good_header, payload(exp)), now).has_value());
    const std::string full = payload(good_times);
    for (const std::string_view member : {R"("sub":"u-42",)", R"("sid":"s-7",)"}) {
        std::string without = full;
        without.erase(without.find(member), member.size());
        CAPTURE(without);
        CHECK_FALSE(codec.verify(make_token(good_header, without), now).has_value());
    }
}

TEST_CASE("garbage strings are rejected without throwing", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string deep(100'000, '[');
    const auto token = GENERATE_COPY(as<std::string>{}, "", ".", "..", "...", "not a token", "a.b.c", "!!!.@@@.###",
                                     "eyJhbGciOiJIUzI1NiJ9.e30.", "eyJhbGciOiJIUzI1NiJ9=.e30.x",
                                     b64("[1]") + "." + b64("{}") + ".x", b64("\"HS256\"") + "." + b64("{}") + ".x",
                                     b64(R"({"alg":"HS256")") + "." + b64("{}") + ".x", make_token(good_header, "[]"),
                                     make_token(good_header, "not json"),
                                     make_token(good_header, payload(good_times) + "trailing"),
                                     b64(deep) + "." + b64(deep) + ".x", make_token(good_header, deep));
    CAPTURE(token.substr(0, 80));
    std::optional<authd::access_claims> got;
    CHECK_NOTHROW(got = codec.verify(token, now));
    CHECK_FALSE(got.has_value());
}

TEST_CASE("a token with two parts is rejected", "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string token = codec.sign(sample_claims());
    CHECK_FALSE(codec.verify(token.substr(0, token.rfind('.')), now).has_value());
    CHECK_FALSE(codec.verify(token + "." + token.substr(token.rfind('.') + 1), now).has_value());
}

TEST_CASE("kid and jku in the header never choose the key: only the configured secret verifies",
          "[crypto][jwt_hs256]") {
    jwt_hs256 codec(secret, issuer);
    const std::string attacker_key = "attacker-key-0123456789abcdef-0123456789abcdef";
    const std::string header =
        R"({"alg":"HS256","typ":"JWT","kid":"attacker","jku":"https://attacker.example/jwks.json",)"
        R"("jwk":{"kty":"oct","k":")" +
        b64(attacker_key) + R"("},"x5u":"https://attacker.example/cert.pem"})";
    CHECK_FALSE(codec.verify(make_token(header, payload(good_times), attacker_key), now).has_value());
    CHECK(codec.verify(make_token(header, payload(good_times), secret), now).has_value());
}

TEST_CASE("a secret shorter than 32 bytes is refused when the codec is made", "[crypto][jwt_hs256]") {
    CHECK_THROWS_AS(jwt_hs256("short", issuer), std::invalid_argument);
    CHECK_THROWS_AS(jwt_hs256(std::string(31, 'k'), issuer), std::invalid_argument);
    CHECK_NOTHROW(jwt_hs256(std::string(32, 'k'), issuer));
}
