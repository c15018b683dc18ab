// Fuzzes the RFC 3339 parser of core/common/time.hpp (event dates, query filters). Proves, for any bytes:
// parse_rfc3339 never crashes, overflows or reads past the text; what it accepts is written by to_rfc3339 in
// the canonical form (20 characters, UTC, "Z"), which parses back to the same instant and is its own canonical
// form. Only instants in the four-digit years 0000-9999 are checked: an offset can move a parsed time out of
// them (0000-01-01T00:00:00+00:01), and to_rfc3339 then writes a year that RFC 3339 has no syntax for.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/common/time.hpp"
#include "tests/fuzz/check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = authd::parse_rfc3339(text);
    if (!parsed) return 0;
    using namespace std::chrono;
    const auto year = year_month_day{floor<days>(*parsed)}.year();
    if (year < std::chrono::year{0} || year > std::chrono::year{9999}) return 0;
    const auto canonical = authd::to_rfc3339(*parsed);
    FUZZ_CHECK(canonical.size() == 20 && canonical.back() == 'Z');
    const auto again = authd::parse_rfc3339(canonical);
    FUZZ_CHECK(again && *again == *parsed);
    FUZZ_CHECK(authd::to_rfc3339(*again) == canonical);
    return 0;
}
