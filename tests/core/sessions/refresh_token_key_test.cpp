#include "core/sessions/refresh_token_key.hpp"

#include <catch2/catch.hpp>

#include "core/common/random_values.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
/// Answers every SHA-256 with FIPS 180-2's digest of "abc", so that a key's digits can be told apart from its prefix.
class abc_digest final : public secret_digest {
public:
    std::string sha256_hex(std::string_view) override { return abc; }
    std::string keyed_hex(std::string_view) override { return {}; }
    std::vector<std::string> keyed_hex_candidates(std::string_view) override { return {}; }
    static constexpr const char* abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
};

const time_point nov_22 = test::fake_clock{}.now();  // 2026-11-22 00:00:00 UTC: 1795305600 s, 0x6b023080
}  // namespace

TEST_CASE("a new refresh token is its issue time in 10 hex digits, then 256 random bits in base64url",
          "[core][sessions][refresh_key]") {
    test::counting_random rng, same_rng;
    const auto token = new_refresh_token(rng, nov_22);
    CHECK(token.size() == 53);
    CHECK(token.substr(0, 10) == "006b023080");
    CHECK(token.substr(10) == random_token(same_rng, 32));
    CHECK(new_refresh_token(rng, nov_22).substr(10) != token.substr(10));
}

TEST_CASE("a refresh token's key is its time prefix and the first 54 digits of its SHA-256",
          "[core][sessions][refresh_key]") {
    abc_digest digest;
    test::counting_random rng;
    const auto token = new_refresh_token(rng, nov_22);
    const auto key = refresh_token_key(digest, token);
    CHECK(key == "006b023080ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff");
    CHECK(key.size() == 64);  // the token_hash column of every schema
}

TEST_CASE("a string without the time prefix is keyed by its whole SHA-256, as tokens issued before it were",
          "[core][sessions][refresh_key]") {
    abc_digest digest;
    test::counting_random rng;
    const auto prefixed = new_refresh_token(rng, nov_22);
    const std::string legacy = prefixed.substr(10);   // 43 characters: a token from before the prefix
    const std::string upper = "006B023080" + legacy;  // the prefix is lower-case hex only
    const std::string longer = prefixed + "A";
    const std::string shorter = prefixed.substr(0, 52);
    const std::string not_hex = "006b02308g" + legacy;  // 'g': one past the hex digits
    for (const auto& s : {legacy, upper, longer, shorter, not_hex, std::string(), std::string(53, 'z')})
        CHECK(refresh_token_key(digest, s) == abc_digest::abc);
}

TEST_CASE("the keys of refresh tokens issued later sort after those issued earlier", "[core][sessions][refresh_key]") {
    // A real digest would give each token a random tail: compare across seconds, where only the prefix decides.
    test::fake_digest digest;
    test::counting_random rng;
    auto at = nov_22;
    std::string previous = refresh_token_key(digest, new_refresh_token(rng, at));
    for (const auto step : {1s, 14s, 1s, 240s, 86400s}) {  // 0x...080 -> 081 -> 08f -> 090 -> 180 -> ...
        at += step;
        const auto next = refresh_token_key(digest, new_refresh_token(rng, at));
        CHECK(previous < next);
        previous = next;
    }
}
