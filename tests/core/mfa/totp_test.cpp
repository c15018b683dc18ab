// TOTP arithmetic with a fake MAC: the drift window and replay refusal. The real
// HMAC-SHA-1 is checked against the RFC vectors and oathtool in tests/crypto.
#include "core/mfa/totp.hpp"

#include <catch2/catch.hpp>

#include "core/common/encoding.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;

namespace {
const time_point t0{seconds{1'800'000'000}};  // a multiple of 30: the start of a step
const std::string key = "seed";

std::string code_at(test::fake_hmac_sha1& mac, time_point t) {
    return hotp(mac, key, static_cast<std::uint64_t>(totp_step(t, seconds{30})), 6);
}
}  // namespace

TEST_CASE("base32 encodes the RFC 4648 test vectors without padding", "[core][mfa]") {
    CHECK(base32_encode(std::string_view("")) == "");
    CHECK(base32_encode(std::string_view("f")) == "MY");
    CHECK(base32_encode(std::string_view("fo")) == "MZXQ");
    CHECK(base32_encode(std::string_view("foo")) == "MZXW6");
    CHECK(base32_encode(std::string_view("foob")) == "MZXW6YQ");
    CHECK(base32_encode(std::string_view("fooba")) == "MZXW6YTB");
    CHECK(base32_encode(std::string_view("foobar")) == "MZXW6YTBOI");
}

TEST_CASE("a TOTP step is the Unix time divided by the period", "[core][mfa]") {
    CHECK(totp_step(time_point{seconds{59}}, seconds{30}) == 1);
    CHECK(totp_step(time_point{seconds{60}}, seconds{30}) == 2);
    CHECK(totp_step(t0 + seconds{29}, seconds{30}) == totp_step(t0, seconds{30}));
}

TEST_CASE("HOTP codes have exactly the asked number of digits, leading zeros kept", "[core][mfa]") {
    test::fake_hmac_sha1 mac;
    for (std::uint64_t counter = 0; counter < 200; ++counter) {
        CHECK(hotp(mac, key, counter, 6).size() == 6);
        CHECK(hotp(mac, key, counter, 8).size() == 8);
    }
}

TEST_CASE("a code is accepted one step either side of now and no further", "[core][mfa]") {
    test::fake_hmac_sha1 mac;
    const auto now = t0 + seconds{10};
    const auto step = totp_step(now, seconds{30});
    CHECK(match_totp(mac, key, code_at(mac, now), now, 0) == step);
    CHECK(match_totp(mac, key, code_at(mac, now - seconds{30}), now, 0) == step - 1);
    CHECK(match_totp(mac, key, code_at(mac, now + seconds{30}), now, 0) == step + 1);
    const auto far_past = code_at(mac, now - seconds{60}), far_future = code_at(mac, now + seconds{60});
    // Only where the fake MAC's codes of other steps differ from the three accepted ones.
    for (const auto& other : {far_past, far_future})
        if (other != code_at(mac, now) && other != code_at(mac, now - seconds{30}) &&
            other != code_at(mac, now + seconds{30}))
            CHECK_FALSE(match_totp(mac, key, other, now, 0));
}

TEST_CASE("a code of a step already used, or of an earlier one, is refused: no replay", "[core][mfa]") {
    test::fake_hmac_sha1 mac;
    const auto step = totp_step(t0, seconds{30});
    const auto code = code_at(mac, t0);
    REQUIRE(match_totp(mac, key, code, t0, step - 1) == step);
    CHECK_FALSE(match_totp(mac, key, code, t0, step));
    CHECK_FALSE(match_totp(mac, key, code_at(mac, t0 - seconds{30}), t0, step));
    CHECK(match_totp(mac, key, code_at(mac, t0 + seconds{30}), t0, step) == step + 1);
}

TEST_CASE("codes of the wrong length or with other characters never match", "[core][mfa]") {
    test::fake_hmac_sha1 mac;
    const auto code = code_at(mac, t0);
    CHECK_FALSE(match_totp(mac, key, code.substr(0, 5), t0, 0));
    CHECK_FALSE(match_totp(mac, key, code + "0", t0, 0));
    CHECK_FALSE(match_totp(mac, key, "", t0, 0));
    CHECK_FALSE(match_totp(mac, "another seed", code, t0, 0) == totp_step(t0, seconds{30}));
}

TEST_CASE("the otpauth URI names the issuer, escapes the account and states the parameters", "[core][mfa]") {
    CHECK(otpauth_uri("authd", "a b@x.io", "ABC") ==
          "otpauth://totp/authd:a%20b%40x.io?secret=ABC&issuer=authd&algorithm=SHA1&digits=6&period=30");
}
