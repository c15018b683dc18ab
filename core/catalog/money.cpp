#include "core/catalog/money.hpp"

#include <cstdlib>

namespace authd {
namespace {
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// The failure's detail is the message for the `price` field of a 400.
failure bad_price(std::string message) { return fail(errc::validation_failed, std::move(message)); }

constexpr const char* not_a_number = "must be a number";
std::string too_large() { return "must be at most " + format_cents(max_price_cents); }
}  // namespace

result<std::int64_t> parse_cents(std::string_view text) {
    // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — leading zeros tolerated.
    std::size_t i = 0;
    const bool negative = i < text.size() && text[i] == '-';
    if (negative) ++i;
    std::string digits;         // every significant digit, integer part then fraction
    std::int64_t exponent = 0;  // the value is digits × 10^exponent
    const std::size_t int_start = i;
    while (i < text.size() && is_digit(text[i])) digits += text[i++];
    if (i == int_start) return bad_price(not_a_number);
    if (i < text.size() && text[i] == '.') {
        const std::size_t frac_start = ++i;
        while (i < text.size() && is_digit(text[i])) digits += text[i++];
        if (i == frac_start) return bad_price(not_a_number);
        exponent -= static_cast<std::int64_t>(i - frac_start);
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        const bool exp_negative = i < text.size() && text[i] == '-';
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
        const std::size_t exp_start = i;
        std::int64_t e = 0;
        while (i < text.size() && is_digit(text[i])) {
            // Any exponent past a few thousand is out of range either way: saturate instead of overflowing.
            if (e < 100'000) e = e * 10 + (text[i] - '0');
            ++i;
        }
        if (i == exp_start) return bad_price(not_a_number);
        exponent += exp_negative ? -e : e;
    }
    if (i != text.size()) return bad_price(not_a_number);

    // Normalise: no leading zeros, no trailing zeros (each one moves into the exponent).
    digits.erase(0, digits.find_first_not_of('0'));
    if (digits.empty()) return std::int64_t{0};  // 0, 0.000, -0.0: zero is not negative
    while (digits.back() == '0') {
        digits.pop_back();
        ++exponent;
    }
    if (negative) return bad_price("must not be negative");
    const std::int64_t cents_exponent = exponent + 2;  // the value in cents is digits × 10^cents_exponent
    if (cents_exponent < 0) return bad_price("must have at most 2 decimals");
    // max_price_cents has 15 digits: anything with more digits in cents is too large.
    if (static_cast<std::int64_t>(digits.size()) + cents_exponent > 15) return bad_price(too_large());
    std::int64_t cents = std::strtoll(digits.c_str(), nullptr, 10);
    for (std::int64_t k = 0; k < cents_exponent; ++k) cents *= 10;
    if (cents > max_price_cents) return bad_price(too_large());
    return cents;
}

std::string format_cents(std::int64_t cents) {
    const bool negative = cents < 0;
    // Through unsigned arithmetic, so that even the most negative value has a magnitude.
    const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(cents)
                                             : static_cast<std::uint64_t>(cents);
    std::string fraction = std::to_string(magnitude % 100);
    if (fraction.size() == 1) fraction.insert(0, "0");
    return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

}  // namespace authd
