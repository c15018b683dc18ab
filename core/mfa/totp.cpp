#include "core/mfa/totp.hpp"

#include "core/common/encoding.hpp"

namespace authd {
namespace {
/// Percent-encodes all but RFC 3986's unreserved characters.
std::string uri_escape(std::string_view text) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}
}  // namespace

std::string hotp(hmac_sha1& mac, std::string_view key, std::uint64_t counter, int digits) {
    std::string message(8, '\0');
    for (int i = 7; i >= 0; --i, counter >>= 8)
        message[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xFF);
    const std::string h = mac.sign(key, message);
    const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(h[i])); };
    const std::size_t offset = byte(19) & 0x0F;
    const std::uint32_t binary = ((byte(offset) & 0x7F) << 24) | (byte(offset + 1) << 16) | (byte(offset + 2) << 8) |
                                 byte(offset + 3);
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totp_step(time_point t, seconds period) { return t.time_since_epoch().count() / period.count(); }

std::optional<std::int64_t> match_totp(hmac_sha1& mac, std::string_view key, std::string_view code, time_point now,
                                       std::int64_t last_used_step, const totp_settings& s) {
    if (code.size() != static_cast<std::size_t>(s.digits)) return std::nullopt;
    const auto current = totp_step(now, s.period);
    std::optional<std::int64_t> found;
    // Every candidate is computed and compared, so that the time taken says nothing about which one matched.
    for (auto step = current - s.drift_steps; step <= current + s.drift_steps; ++step) {
        if (step < 0) continue;
        const bool same = constant_time_equal(hotp(mac, key, static_cast<std::uint64_t>(step), s.digits), code);
        if (same && step > last_used_step && !found) found = step;
    }
    return found;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret,
                        const totp_settings& s) {
    return "otpauth://totp/" + uri_escape(issuer) + ":" + uri_escape(account) +
           "?secret=" + std::string(base32_secret) + "&issuer=" + uri_escape(issuer) +
           "&algorithm=SHA1&digits=" + std::to_string(s.digits) + "&period=" + std::to_string(s.period.count());
}

}  // namespace authd
