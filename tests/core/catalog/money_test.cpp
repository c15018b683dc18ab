#include "core/catalog/money.hpp"

#include <catch2/catch.hpp>

using namespace authd;

namespace {
std::int64_t cents(std::string_view text) {
    auto c = parse_cents(text);
    INFO(text);
    REQUIRE(c.ok());
    return c.value();
}

std::string refusal(std::string_view text) {
    auto c = parse_cents(text);
    INFO(text);
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == errc::validation_failed);
    return c.error().detail;
}
}  // namespace

TEST_CASE("decimal prices become exact cents", "[core][catalog][money]") {
    CHECK(cents("19.99") == 1999);
    CHECK(cents("20") == 2000);
    CHECK(cents("20.0") == 2000);
    CHECK(cents("0.5") == 50);
    CHECK(cents("0.10") == 10);
    CHECK(cents("0.1") == 10);
    CHECK(cents("0") == 0);
    CHECK(cents("1234567.89") == 123456789);
    CHECK(cents("007.50") == 750);
}

TEST_CASE("exponents are read exactly, as a JSON writer may print them", "[core][catalog][money]") {
    CHECK(cents("1e2") == 10000);
    CHECK(cents("1E2") == 10000);
    CHECK(cents("1.5e1") == 1500);
    CHECK(cents("1999e-2") == 1999);
    CHECK(cents("5e-1") == 50);
    CHECK(cents("1e+3") == 100000);
}

TEST_CASE("trailing zeros past the second decimal are not decimals that count", "[core][catalog][money]") {
    CHECK(cents("19.990") == 1999);
    CHECK(cents("19.99000000") == 1999);
    CHECK(cents("1.2300e1") == 1230);
}

TEST_CASE("more than 2 decimals is refused", "[core][catalog][money]") {
    CHECK(refusal("19.999") == "must have at most 2 decimals");
    CHECK(refusal("0.001") == "must have at most 2 decimals");
    CHECK(refusal("1e-3") == "must have at most 2 decimals");
    CHECK(refusal("19.989999999999998") == "must have at most 2 decimals");
}

TEST_CASE("a negative price is refused, but minus zero is zero", "[core][catalog][money]") {
    CHECK(refusal("-1") == "must not be negative");
    CHECK(refusal("-0.01") == "must not be negative");
    CHECK(cents("-0") == 0);
    CHECK(cents("-0.0") == 0);
}

TEST_CASE("text that is not a decimal number is refused", "[core][catalog][money]") {
    for (const auto* text : {"", "abc", "NaN", "nan", "Infinity", "-", ".5", "5.", "1e", "1e+", "+5", "1.2.3", "12a",
                             " 1", "1 ", "0x10", "1,5"})
        CHECK(refusal(text) == "must be a number");
}

TEST_CASE("a price over 15 significant digits of cents is refused, however written", "[core][catalog][money]") {
    CHECK(cents("9999999999999.99") == max_price_cents);
    const std::string too_large = "must be at most 9999999999999.99";
    CHECK(refusal("10000000000000") == too_large);
    CHECK(refusal("1e21") == too_large);
    CHECK(refusal("1e308") == too_large);
    CHECK(refusal("1e99999999999999999999") == too_large);  // the exponent itself overflows no integer
    CHECK(refusal("123456789012345678901234567890") == too_large);
}

TEST_CASE("cents are written with exactly 2 decimals", "[core][catalog][money]") {
    CHECK(format_cents(1999) == "19.99");
    CHECK(format_cents(2000) == "20.00");
    CHECK(format_cents(10) == "0.10");
    CHECK(format_cents(5) == "0.05");
    CHECK(format_cents(0) == "0.00");
    CHECK(format_cents(123456789) == "1234567.89");
    CHECK(format_cents(max_price_cents) == "9999999999999.99");
    CHECK(format_cents(-150) == "-1.50");
    CHECK(format_cents(INT64_MIN) == "-92233720368547758.08");
}

TEST_CASE("every price round-trips through its text", "[core][catalog][money]") {
    const std::int64_t samples[] = {0, 1, 9, 10, 99, 100, 1999, 123456789, max_price_cents};
    for (const auto c : samples) CHECK(cents(format_cents(c)) == c);
}
