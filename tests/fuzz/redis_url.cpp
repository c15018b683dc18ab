// Fuzzes REDIS_URL parsing (adapters/redis/redis_url.hpp). Proves, for any bytes: parse never crashes or reads
// out of bounds, and an accepted URL has a usable shape: a non-empty host without '@' or '/', a port of
// 1-65535 and a database number of at least 0.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/redis/redis_url.hpp"
#include "tests/fuzz/check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto url = authd::redis::redis_url::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!url) return 0;
    FUZZ_CHECK(!url->host.empty() && url->host.find_first_of("@/") == std::string_view::npos);
    FUZZ_CHECK(url->port >= 1 && url->port <= 65535 && url->db >= 0);
    return 0;
}
