// HMAC-SHA-1 on OpenSSL driving the core's HOTP/TOTP: the RFC known answers, and
// agreement with an independent implementation (oathtool, from scripts/setup).
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/crypto/openssl_random.hpp"
#include "adapters/crypto/sha256.hpp"
#include "core/common/encoding.hpp"
#include "core/mfa/totp.hpp"

using namespace authd;

namespace {
const std::string rfc_key = "12345678901234567890";  // the SHA-1 seed of RFC 4226 and RFC 6238

time_point at(long long unix_seconds) { return time_point{seconds{unix_seconds}}; }

/// What `command` prints on its first line.
std::string first_line_of(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::array<char, 128> buffer{};
    std::string out;
    if (fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get())) out = buffer.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}
}  // namespace

TEST_CASE("HOTP gives the RFC 4226 appendix D values for counters 0 to 9", "[crypto][totp]") {
    crypto::openssl_hmac_sha1 mac;
    const std::array<const char*, 10> expected{"755224", "287082", "359152", "969429", "338314",
                                               "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < expected.size(); ++counter)
        CHECK(hotp(mac, rfc_key, counter, 6) == expected[counter]);
}

TEST_CASE("TOTP gives the RFC 6238 appendix B SHA-1 values", "[crypto][totp]") {
    crypto::openssl_hmac_sha1 mac;
    const std::array<std::pair<long long, const char*>, 6> vectors{{{59, "94287082"},
                                                                    {1111111109, "07081804"},
                                                                    {1111111111, "14050471"},
                                                                    {1234567890, "89005924"},
                                                                    {2000000000, "69279037"},
                                                                    {20000000000, "65353130"}}};
    for (const auto& [unix_time, code] : vectors) {
        CAPTURE(unix_time);
        CHECK(hotp(mac, rfc_key, static_cast<std::uint64_t>(totp_step(at(unix_time), seconds{30})), 8) == code);
        // The same code through match_totp, with 8 digits as the appendix uses.
        CHECK(match_totp(mac, rfc_key, code, at(unix_time), -1, totp_settings{8, seconds{30}, 0}) ==
              totp_step(at(unix_time), seconds{30}));
    }
}

TEST_CASE("authd and oathtool agree on random seeds, at several times and with a step of drift", "[crypto][totp]") {
    crypto::openssl_hmac_sha1 mac;
    crypto::openssl_random rng;
    for (int i = 0; i < 5; ++i) {
        std::array<std::uint8_t, 20> seed{};
        rng.fill(seed);
        const std::string key(seed.begin(), seed.end());
        const auto base32 = base32_encode(seed);
        const long long unix_time = 1'700'000'000LL + i * 7'919LL;
        CAPTURE(base32, unix_time);
        const auto theirs = first_line_of("oathtool --totp -b -N @" + std::to_string(unix_time) + " " + base32);
        REQUIRE(theirs.size() == 6);
        CHECK(hotp(mac, key, static_cast<std::uint64_t>(totp_step(at(unix_time), seconds{30})), 6) == theirs);
        // oathtool's code for the previous step is still taken (clock drift), and reports that step.
        const auto previous = first_line_of("oathtool --totp -b -N @" + std::to_string(unix_time - 30) + " " + base32);
        CHECK(match_totp(mac, key, previous, at(unix_time), 0) == totp_step(at(unix_time - 30), seconds{30}));
        // Two steps away is refused.
        const auto stale = first_line_of("oathtool --totp -b -N @" + std::to_string(unix_time - 60) + " " + base32);
        if (stale != theirs && stale != previous) CHECK_FALSE(match_totp(mac, key, stale, at(unix_time), 0));
    }
}

TEST_CASE("an otpauth URI from setup reads back in oathtool through its secret", "[crypto][totp]") {
    crypto::openssl_hmac_sha1 mac;
    const auto uri = otpauth_uri("authd", "ana+mfa@example.com", base32_encode(rfc_key));
    CHECK(uri ==
          "otpauth://totp/authd:ana%2Bmfa%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=authd"
          "&algorithm=SHA1&digits=6&period=30");
    const auto theirs = first_line_of("oathtool --totp -b -N @1234567890 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    CHECK(theirs == "005924");  // the last six digits of the RFC 6238 vector at that time
    CHECK(match_totp(mac, rfc_key, theirs, at(1234567890), 0).has_value());
}
