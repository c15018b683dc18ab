// Fuzzes the text encodings of core/common/encoding.hpp. Only base64url has a decoder (JWTs, opaque tokens);
// base32 (TOTP secrets) and hex (ids, digests) are only ever written, so they are checked against the RFC 4648
// alphabets by decoding here. Proves, for any bytes:
//  - base64url_decode never crashes; whatever it accepts encodes back to the very same text (one encoding per
//    byte string: no padding, no stray bits), and that text decodes again to the same bytes;
//  - base64url_encode, base32_encode and hex_encode of any bytes decode back to them, with the expected lengths;
//  - constant_time_equal agrees with ==.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/common/encoding.hpp"
#include "tests/fuzz/check.hpp"

namespace {

/// RFC 4648 decoding of an unpadded text over `digits` (bits per digit: 5 or 4), for checking the encoders.
std::optional<std::string> decode(std::string_view text, std::string_view digits, int bits_per_digit) {
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const auto v = digits.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        acc = (acc << bits_per_digit) | static_cast<std::uint32_t>(v);
        bits += bits_per_digit;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    if (bits >= bits_per_digit || (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;  // a whole extra digit, or stray bits
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::span<const std::uint8_t> bytes(data, size);

    if (const auto decoded = authd::base64url_decode(text)) {
        FUZZ_CHECK(authd::base64url_encode(*decoded) == text);
        const auto again = authd::base64url_decode(authd::base64url_encode(*decoded));
        FUZZ_CHECK(again && *again == *decoded);
    }

    const auto b64 = authd::base64url_encode(bytes);
    FUZZ_CHECK(b64.size() == (size * 4 + 2) / 3);
    const auto b64_back = authd::base64url_decode(b64);
    FUZZ_CHECK(b64_back && *b64_back == text);

    const auto b32 = authd::base32_encode(bytes);
    FUZZ_CHECK(b32.size() == (size * 8 + 4) / 5);
    const auto b32_back = decode(b32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 5);
    FUZZ_CHECK(b32_back && *b32_back == text);

    const auto hex = authd::hex_encode(bytes);
    FUZZ_CHECK(hex.size() == 2 * size);
    const auto hex_back = decode(hex, "0123456789abcdef", 4);
    FUZZ_CHECK(hex_back && *hex_back == text);

    const auto half = text.substr(0, size / 2), other = text.substr(size / 2);
    FUZZ_CHECK(authd::constant_time_equal(half, other) == (half == other));
    FUZZ_CHECK(authd::constant_time_equal(other, half) == (half == other));
    FUZZ_CHECK(authd::constant_time_equal(text, half) == (text == half));
    FUZZ_CHECK(authd::constant_time_equal(text, text));
    return 0;
}
