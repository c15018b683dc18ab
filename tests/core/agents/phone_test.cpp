#include "core/agents/phone.hpp"

#include <catch2/catch.hpp>

using namespace authd;

namespace {
std::string e164_of(std::optional<phone_number> p) { return p ? p->e164() : std::string("<rejected>"); }
}  // namespace

TEST_CASE("a Moroccan number of 9 national digits becomes +212 in E.164", "[core][agents][phone]") {
    const auto p = parse_phone("+212", "612345678");
    REQUIRE(p);
    CHECK(p->country_code == "+212");
    CHECK(p->national == "612345678");
    CHECK(p->e164() == "+212612345678");
}

TEST_CASE("a French number of 9 national digits becomes +33 in E.164", "[core][agents][phone]") {
    const auto p = parse_phone("+33", "612345678");
    REQUIRE(p);
    CHECK(p->country_code == "+33");
    CHECK(p->national == "612345678");
    CHECK(p->e164() == "+33612345678");
}

TEST_CASE("a leading trunk 0 is accepted and dropped for both countries", "[core][agents][phone]") {
    CHECK(e164_of(parse_phone("+212", "0612345678")) == "+212612345678");
    CHECK(e164_of(parse_phone("+33", "0712345678")) == "+33712345678");
    const auto p = parse_phone("+212", "0612345678");
    REQUIRE(p);
    CHECK(p->national == "612345678");
}

TEST_CASE("spaces, dashes and dots inside a national number are ignored", "[core][agents][phone]") {
    CHECK(e164_of(parse_phone("+212", "06 12 34 56 78")) == "+212612345678");
    CHECK(e164_of(parse_phone("+212", "06-12-34-56-78")) == "+212612345678");
    CHECK(e164_of(parse_phone("+33", "6 12 34 56 78")) == "+33612345678");
    CHECK(e164_of(parse_phone("+33", "06.12.34.56.78")) == "+33612345678");
    CHECK(e164_of(parse_phone("+33", " 0612-345 678 ")) == "+33612345678");
}

TEST_CASE("an E.164 number of either country is read without a country code", "[core][agents][phone]") {
    CHECK(e164_of(parse_phone_any("+212612345678")) == "+212612345678");
    CHECK(e164_of(parse_phone_any("+33612345678")) == "+33612345678");
    CHECK(e164_of(parse_phone_any("+33 6 12 34 56 78")) == "+33612345678");
    const auto p = parse_phone_any("+212612345678");
    REQUIRE(p);
    CHECK(p->country_code == "+212");
    CHECK(p->national == "612345678");
}

TEST_CASE("with a country code, national digits or the E.164 form are both read", "[core][agents][phone]") {
    CHECK(e164_of(parse_phone_any("0612345678", "+212")) == "+212612345678");
    CHECK(e164_of(parse_phone_any("612345678", "+212")) == "+212612345678");
    CHECK(e164_of(parse_phone_any("+212612345678", "+212")) == "+212612345678");
    CHECK(e164_of(parse_phone_any("06 12 34 56 78", "+33")) == "+33612345678");
    CHECK(e164_of(parse_phone_any("+33612345678", "+33")) == "+33612345678");
}

TEST_CASE("an E.164 number of one country is refused under the other country's code", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone_any("+33612345678", "+212"));
    CHECK_FALSE(parse_phone_any("+212612345678", "+33"));
}

TEST_CASE("8 digits, or 10 digits without a trunk 0, are refused", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone("+212", "61234567"));
    CHECK_FALSE(parse_phone("+33", "61234567"));
    CHECK_FALSE(parse_phone("+212", "6123456789"));
    CHECK_FALSE(parse_phone("+33", "6123456789"));
    CHECK_FALSE(parse_phone("+212", "061234567"));    // 0 + 8 digits
    CHECK_FALSE(parse_phone("+212", "00612345678"));  // 11 digits
    CHECK_FALSE(parse_phone_any("+21261234567"));
    CHECK_FALSE(parse_phone_any("+336123456789"));
}

TEST_CASE("a trunk 0 followed by a national number that starts with 0 is refused", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone("+212", "0012345678"));
    CHECK_FALSE(parse_phone("+33", "0012345678"));
    CHECK_FALSE(parse_phone_any("0012345678", "+212"));
}

TEST_CASE("numbers of other countries are refused", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone("+1", "612345678"));
    CHECK_FALSE(parse_phone("+44", "612345678"));
    CHECK_FALSE(parse_phone("", "612345678"));
    CHECK_FALSE(parse_phone("212", "612345678"));
    CHECK_FALSE(parse_phone_any("+14155552671"));
    CHECK_FALSE(parse_phone_any("+447911123456"));
    CHECK_FALSE(parse_phone_any("4155552671", "+1"));
    CHECK_FALSE(parse_phone_any("07911123456", "+44"));
}

TEST_CASE("letters and other characters are refused", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone("+212", "61234567a"));
    CHECK_FALSE(parse_phone("+212", "six1234567"));
    CHECK_FALSE(parse_phone("+33", "(0)612345678"));
    CHECK_FALSE(parse_phone("+33", "+612345678"));
    CHECK_FALSE(parse_phone_any("+2126123456x8"));
}

TEST_CASE("empty input and a number without its plus sign are refused", "[core][agents][phone]") {
    CHECK_FALSE(parse_phone("+212", ""));
    CHECK_FALSE(parse_phone("+212", " - . "));
    CHECK_FALSE(parse_phone_any(""));
    CHECK_FALSE(parse_phone_any("212612345678"));
    CHECK_FALSE(parse_phone_any("0612345678"));
    CHECK_FALSE(parse_phone_any("+"));
    CHECK_FALSE(parse_phone_any("", "+212"));
}
