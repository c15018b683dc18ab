#include "core/common/random_values.hpp"

#include <array>
#include <vector>

#include "core/common/encoding.hpp"

namespace authd {

std::string random_digits(random_source& rng, int n) {
    std::string out;
    out.reserve(static_cast<std::size_t>(n));
    std::array<std::uint8_t, 16> buf{};
    while (static_cast<int>(out.size()) < n) {
        rng.fill(buf);
        for (const auto b : buf) {
            // 250 = 25 * 10: bytes above it would favour the digits 0..5.
            if (b >= 250) continue;
            out += static_cast<char>('0' + b % 10);
            if (static_cast<int>(out.size()) == n) break;
        }
    }
    return out;
}

std::string random_token(random_source& rng, int bytes) {
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(bytes));
    rng.fill(buf);
    return base64url_encode(buf);
}

std::string uuid_v4(random_source& rng) {
    std::array<std::uint8_t, 16> b{};
    rng.fill(b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // variant 10
    const std::string hex = hex_encode(b);
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' + hex.substr(16, 4) + '-' +
           hex.substr(20);
}

}  // namespace authd
