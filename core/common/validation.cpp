#include "core/common/validation.hpp"

#include <algorithm>

namespace authd {

std::optional<std::size_t> utf8_length(std::string_view s) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < s.size(); ++count) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return std::nullopt;
        i += len;
    }
    return count;
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
                        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                               c == '.' || c == '_' || c == '-';
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
