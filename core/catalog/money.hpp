#pragma once
// Money as integer cents: a price is stored and compared exactly, never as a
// binary floating-point number (19.99 has no exact double).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/common/result.hpp"

namespace authd {

/// The largest price: 15 significant digits, all that a JSON number (an IEEE double) carries exactly,
/// so that every accepted price reads back as the digits the client sent.
inline constexpr std::int64_t max_price_cents = 999'999'999'999'999;

/// Parses a decimal text as a JSON number writes it ("19.99", "20", "0.5", "1e2", "20.0") to cents.
/// Refuses with validation_failed, whose detail is the message for the `price` field, anything that is not
/// such a number, a negative amount, more than 2 decimals, or an amount over max_price_cents.
result<std::int64_t> parse_cents(std::string_view text);

/// Cents as a decimal with exactly 2 decimals: 1999 → "19.99", 2000 → "20.00", 5 → "0.05".
std::string format_cents(std::int64_t cents);

}  // namespace authd
