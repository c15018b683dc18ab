#include "core/common/validation.hpp"

#include <algorithm>

namespace authd {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto c = byte(0);
    // RFC 3629, section 4: no overlong forms, no surrogates, nothing past U+10FFFF.
    const std::size_t len = c < 0x80                 ? 1
                            : c >= 0xC2 && c <= 0xDF ? 2
                            : c >= 0xE0 && c <= 0xEF ? 3
                            : c >= 0xF0 && c <= 0xF4 ? 4
                                                     : 0;
    if (len == 0 || i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k)
        if ((byte(k) & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && byte(1) < 0xA0) || (c == 0xED && byte(1) > 0x9F) || (c == 0xF0 && byte(1) < 0x90) ||
        (c == 0xF4 && byte(1) > 0x8F))
        return 0;
    return len;
}

std::optional<std::size_t> utf8_length(std::string_view s) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++count) {
        const auto len = utf8_sequence_length(s, i);
        if (len == 0) return std::nullopt;
        i += len;
    }
    return count;
}

bool has_control_characters(std::string_view s) noexcept {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
    });
}

std::string printable_utf8_prefix(std::string_view s, std::size_t max_bytes) {
    constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const auto len = utf8_sequence_length(s, i);
        const bool control = len == 1 && has_control_characters(s.substr(i, 1));
        const auto piece = len == 0 || control ? replacement : s.substr(i, len);
        if (out.size() + piece.size() > max_bytes) break;  // whole characters only
        out += piece;
        i += len == 0 ? 1 : len;
    }
    return out;
}

bool is_digits(std::string_view s) noexcept {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; });
    return out;
}

std::optional<std::string> check_email(std::string_view e) {
    const auto at = e.find('@');
    const bool shape_ok = e.size() >= 3 && e.size() <= 254 && at != std::string_view::npos && at > 0 &&
                          e.find('@', at + 1) == std::string_view::npos && at + 1 < e.size();
    if (!shape_ok) return "must be an e-mail address";
    const auto domain = e.substr(at + 1);
    if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.')
        return "must be an e-mail address";
    for (const char c : e)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return "must be an e-mail address";
    return std::nullopt;
}

std::optional<std::string> check_password(std::string_view p) {
    const auto n = utf8_length(p);
    if (!n) return "must be valid UTF-8";
    if (*n < 8 || *n > 128) return "must be 8 to 128 characters";
    return std::nullopt;
}

std::optional<std::string> check_text(std::string_view t, std::size_t max) {
    const auto n = utf8_length(t);
    if (!n) return "must be valid UTF-8";
    if (t.find_first_not_of(" \t\r\n") == std::string_view::npos || *n > max)
        return "must be 1 to " + std::to_string(max) + " characters";
    return std::nullopt;
}

std::optional<std::string> check_username(std::string_view u) {
    const bool ok = u.size() >= 3 && u.size() <= 32 && std::all_of(u.begin(), u.end(), [](char c) {
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                               c == '_' || c == '-';
                    });
    if (!ok) return "must be 3 to 32 letters, digits, '.', '_' or '-'";
    return std::nullopt;
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace authd
