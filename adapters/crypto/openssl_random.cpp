#include "adapters/crypto/openssl_random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

namespace authd::crypto {

void openssl_random::fill(std::span<std::uint8_t> out) {
    // RAND_bytes takes an int count, so a (hypothetically) huge span goes in slices.
    while (!out.empty()) {
        const std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
        if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
        out = out.subspan(n);
    }
}

}  // namespace authd::crypto
