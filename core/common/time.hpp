#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

/// Every instant in the domain is a UTC time with second precision: it is what
/// tokens carry and what every storage dialect keeps without loss.
using time_point = std::chrono::sys_seconds;
using std::chrono::seconds;

/// RFC 3339 UTC with a `Z`, e.g. "2026-11-22T13:54:10Z".
std::string to_rfc3339(time_point t);
/// Parses "YYYY-MM-DDTHH:MM:SS" with an optional fraction and a `Z` or +hh:mm offset.
std::optional<time_point> parse_rfc3339(std::string_view s);

}  // namespace authd
