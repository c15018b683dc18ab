#include "core/common/encoding.hpp"

#include <array>

namespace authd {
namespace {
constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<std::int8_t, 256> decode_table() {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return t;
}
constexpr auto table = decode_table();
}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> in) {
    std::string out;
    out.reserve((in.size() * 4 + 2) / 3);
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (const std::size_t rest = in.size() - i; rest > 0) {
        std::uint32_t v = std::uint32_t{in[i]} << 16;
        if (rest == 2) v |= std::uint32_t{in[i + 1]} << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (rest == 2) out += alphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    const std::size_t rest = in.size() % 4;
    if (rest == 1) return std::nullopt;
    // Four characters make three bytes; two or three left over make one or two.
    std::string out(in.size() / 4 * 3 + (rest == 0 ? 0 : rest - 1), '\0');
    const auto value = [in](std::size_t i) { return std::int32_t{table[static_cast<unsigned char>(in[i])]}; };
    std::size_t i = 0, o = 0;
    for (; i + 4 <= in.size(); i += 4, o += 3) {
        const std::int32_t a = value(i), b = value(i + 1), c = value(i + 2), d = value(i + 3);
        if ((a | b | c | d) < 0) return std::nullopt;  // a character outside the alphabet (padding included)
        const auto v = static_cast<std::uint32_t>((a << 18) | (b << 12) | (c << 6) | d);
        out[o] = static_cast<char>(v >> 16);
        out[o + 1] = static_cast<char>((v >> 8) & 0xFF);
        out[o + 2] = static_cast<char>(v & 0xFF);
    }
    if (rest > 0) {
        const std::int32_t a = value(i), b = value(i + 1), c = rest == 3 ? value(i + 2) : 0;
        if ((a | b | c) < 0) return std::nullopt;
        const auto v = static_cast<std::uint32_t>((a << 18) | (b << 12) | (c << 6));
        // The bits past the last byte must be zero, so that every byte string has exactly one encoding.
        if ((v & (rest == 2 ? 0xFFFFu : 0xFFu)) != 0) return std::nullopt;
        out[o] = static_cast<char>(v >> 16);
        if (rest == 3) out[o + 1] = static_cast<char>((v >> 8) & 0xFF);
    }
    return out;
}

std::string base32_encode(std::span<const std::uint8_t> in) {
    constexpr std::string_view digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out;
    out.reserve((in.size() * 8 + 4) / 5);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const auto byte : in) {
        acc = (acc << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += digits[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += digits[(acc << (5 - bits)) & 31];
    return out;
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

bool constant_time_equal(std::string_view expected, std::string_view given) noexcept {
    // Every byte of `expected` is compared, whatever `given`'s length: returning early on a length mismatch would
    // let a caller time how long the secret is. Past the end of `given` its bytes count as mismatched.
    volatile unsigned char diff = expected.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto g = i < given.size() ? static_cast<unsigned char>(given[i])
                                        : static_cast<unsigned char>(~static_cast<unsigned char>(expected[i]));
        diff = diff | (static_cast<unsigned char>(expected[i]) ^ g);
    }
    return diff == 0;
}

std::string html_escaped(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace authd
