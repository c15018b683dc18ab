#include "core/common/encoding.hpp"

#include <catch2/catch.hpp>

#include "core/common/random_values.hpp"
#include "core/common/time.hpp"
#include "core/common/validation.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;

TEST_CASE("base64url round-trips every length and refuses padding and foreign characters", "[core][encoding]") {
    std::string data;
    for (int n = 0; n < 40; ++n) {
        CHECK(base64url_decode(base64url_encode(data)) == data);
        data += static_cast<char>(n * 37 + 200);
    }
    CHECK(base64url_encode(std::string_view("\xfb\xff")) == "-_8");
    CHECK_FALSE(base64url_decode("ab=="));
    CHECK_FALSE(base64url_decode("a+b/"));
    CHECK_FALSE(base64url_decode("a"));
    CHECK_FALSE(base64url_decode("-_9"));  // non-zero leftover bits: not a canonical encoding
}

TEST_CASE("base64url decodes RFC 4648's test vectors and refuses a foreign character wherever it stands",
          "[core][encoding]") {
    // RFC 4648 section 10, without the padding that base64url leaves out.
    CHECK(base64url_decode("") == "");
    CHECK(base64url_decode("Zg") == "f");
    CHECK(base64url_decode("Zm8") == "fo");
    CHECK(base64url_decode("Zm9v") == "foo");
    CHECK(base64url_decode("Zm9vYg") == "foob");
    CHECK(base64url_decode("Zm9vYmE") == "fooba");
    CHECK(base64url_decode("Zm9vYmFy") == "foobar");
    CHECK(base64url_decode("-_-_") == "\xfb\xff\xbf");  // the two characters base64url has instead of + and /
    const std::string good = "Zm9vYmFyYmE";
    for (std::size_t at = 0; at < good.size(); ++at)
        for (const char foreign : {'=', '+', '/', '.', ' ', '\0', '\x80'}) {
            std::string bad = good;
            bad[at] = foreign;
            CHECK_FALSE(base64url_decode(bad));
        }
    CHECK_FALSE(base64url_decode("Zh"));   // "f" with a stray bit after it
    CHECK_FALSE(base64url_decode("Zm9"));  // "fo" likewise
}

TEST_CASE("constant-time equality compares content and length", "[core][encoding]") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "abcd"));
    CHECK_FALSE(constant_time_equal("abcd", "abc"));  // a prefix of the secret
    CHECK_FALSE(constant_time_equal("abc", ""));
    CHECK_FALSE(constant_time_equal("", "a"));
    CHECK(constant_time_equal("", ""));
    // Bytes past the end of a shorter `given` count as mismatched whatever `expected` holds there.
    using namespace std::string_view_literals;
    CHECK_FALSE(constant_time_equal("ab\0"sv, "ab"sv));
    CHECK_FALSE(constant_time_equal("ab\xff"sv, "ab"sv));
}

TEST_CASE("RFC 3339 times format with Z and parse with offsets", "[core][time]") {
    const time_point t{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{13} +
                       std::chrono::minutes{4} + seconds{5}};
    CHECK(to_rfc3339(t) == "2026-11-22T13:04:05Z");
    CHECK(parse_rfc3339("2026-11-22T13:04:05Z") == t);
    CHECK(parse_rfc3339("2026-11-22T14:04:05.250+01:00") == t);
    CHECK_FALSE(parse_rfc3339("2026-11-22T13:04:05"));
    CHECK_FALSE(parse_rfc3339("2026-02-30T00:00:00Z"));
    CHECK_FALSE(parse_rfc3339("2026-11-22T24:00:00Z"));
    CHECK_FALSE(parse_rfc3339("yesterday"));
}

TEST_CASE("random digits are digits, of the asked length, and uuids are version 4", "[core][random]") {
    test::counting_random rng;
    const auto code = random_digits(rng, 6);
    CHECK(code.size() == 6);
    CHECK(code.find_first_not_of("0123456789") == std::string::npos);
    const auto id = uuid_v4(rng);
    REQUIRE(id.size() == 36);
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    CHECK(uuid_v4(rng) != id);
    CHECK(random_token(rng).size() == 43);  // 256 bits in base64url
}

TEST_CASE("random digits are close to uniform", "[core][random]") {
    test::counting_random rng;
    std::array<int, 10> counts{};
    const auto digits = random_digits(rng, 100000);
    for (const char c : digits) ++counts[static_cast<std::size_t>(c - '0')];
    for (const int n : counts) CHECK(std::abs(n - 10000) < 500);
}

TEST_CASE("field rules accept good values and name what is wrong with bad ones", "[core][validation]") {
    CHECK_FALSE(check_email("ana@example.com"));
    CHECK(check_email("ana"));
    CHECK(check_email("ana@localhost"));
    CHECK(check_email("a@b@example.com"));
    CHECK(check_email("ana @example.com"));
    CHECK_FALSE(check_password("12345678"));
    CHECK(check_password("1234567"));
    CHECK(check_password(std::string(129, 'x')));
    CHECK_FALSE(check_password("pässwörd"));  // 8 characters, 10 bytes
    CHECK(check_password("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8"));
    CHECK(check_text("   ", 100));
    CHECK_FALSE(check_text("Ana", 100));
    CHECK(check_username("a b"));
    CHECK_FALSE(check_username("ana_b"));
}

TEST_CASE("UTF-8 follows RFC 3629: overlong forms, surrogates and code points past U+10FFFF are invalid",
          "[core][validation]") {
    CHECK(utf8_length("h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80") == 9u);
    for (const std::string bad :
         {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xC3", "\x80"})
        CHECK_FALSE(utf8_length(bad).has_value());
}

TEST_CASE("control characters but tab and line breaks are found", "[core][validation]") {
    CHECK(has_control_characters(std::string("a\0b", 3)));
    CHECK(has_control_characters("a\x1b[31m"));
    CHECK(has_control_characters("del\x7f"));
    CHECK_FALSE(has_control_characters("tab\tline\r\nend, caf\xC3\xA9"));
}

TEST_CASE("a header kept on a session is cut at a character boundary and made valid, printable UTF-8",
          "[core][validation]") {
    const std::string euro = "\xE2\x82\xAC";  // 3 bytes
    std::string agent(253, 'a');
    CHECK(printable_utf8_prefix(agent + euro, 255) == agent);  // the euro sign would end at byte 256
    CHECK(printable_utf8_prefix(agent.substr(1) + euro, 255) == agent.substr(1) + euro);
    CHECK(printable_utf8_prefix("ok\xFF\xC3(", 255) == "ok\xEF\xBF\xBD\xEF\xBF\xBD(");
    CHECK(printable_utf8_prefix(std::string("a\0b", 3), 255) ==
          "a\xEF\xBF\xBD"
          "b");
    CHECK(printable_utf8_prefix("", 255).empty());
}

TEST_CASE("an RFC 3339 time whose offset leaves the years 0000 to 9999 is refused", "[core][time]") {
    CHECK_FALSE(parse_rfc3339("0000-01-01T00:00:00+00:01").has_value());
    CHECK_FALSE(parse_rfc3339("9999-12-31T23:59:00-00:01").has_value());
    const auto edge = parse_rfc3339("9999-12-31T23:59:59Z");
    REQUIRE(edge.has_value());
    CHECK(parse_rfc3339(to_rfc3339(*edge)) == edge);
}

TEST_CASE("RFC 3339 times are written with fixed-width fields at every edge", "[core][time]") {
    const auto at = [](std::chrono::year_month_day d, int h, int m, int s) {
        return time_point{std::chrono::sys_days{d} + std::chrono::hours{h} + std::chrono::minutes{m} + seconds{s}};
    };
    using std::chrono::year;
    CHECK(to_rfc3339(time_point{}) == "1970-01-01T00:00:00Z");
    CHECK(to_rfc3339(at(year{1969} / 12 / 31, 23, 59, 59)) == "1969-12-31T23:59:59Z");
    CHECK(to_rfc3339(at(year{2024} / 2 / 29, 9, 5, 7)) == "2024-02-29T09:05:07Z");
    CHECK(to_rfc3339(at(year{7} / 1 / 2, 3, 4, 5)) == "0007-01-02T03:04:05Z");
    CHECK(to_rfc3339(at(year{0} / 1 / 1, 0, 0, 0)) == "0000-01-01T00:00:00Z");
    CHECK(to_rfc3339(at(year{9999} / 12 / 31, 23, 59, 59)) == "9999-12-31T23:59:59Z");
    // Outside four-digit years there is no RFC 3339 form; the text is still whole and ends in Z.
    CHECK(to_rfc3339(at(year{10000} / 1 / 1, 0, 0, 0)) == "10000-01-01T00:00:00Z");
    CHECK(to_rfc3339(at(year{-1} / 12 / 31, 0, 0, 0)) == "-001-12-31T00:00:00Z");
}
