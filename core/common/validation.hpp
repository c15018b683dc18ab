#pragma once
// Field rules shared by every identity: one definition of a valid e-mail,
// password or name, so that every route accepts and refuses the same things.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"

namespace authd {

/// Collects every bad field of a request, so that a 400 lists them all at once. A field keeps its first message:
/// the adapter's ("is required", "must be a string") before the core's rule for the value it could not read.
class validator {
public:
    void add(std::string field, std::string message) {
        if (!has(field)) errors_.push_back({std::move(field), std::move(message)});
    }
    bool has(std::string_view field) const {
        for (const auto& e : errors_)
            if (e.field == field) return true;
        return false;
    }
    bool ok() const { return errors_.empty(); }
    failure to_failure() const { return failure{errc::validation_failed, "Some fields are invalid.", errors_}; }

private:
    std::vector<field_error> errors_;
};

/// The length of the UTF-8 sequence at s[i] (1 to 4), or 0 when it is not valid UTF-8 (RFC 3629: overlong forms
/// and surrogates are not). `i` must be inside `s`.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;
/// Number of Unicode code points in valid UTF-8, or nothing for invalid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);
/// True for NUL and the other C0 control characters but tab, line feed and carriage return, and for DEL: no text
/// field of authd takes them (PostgreSQL cannot even store a NUL).
bool has_control_characters(std::string_view s) noexcept;
/// At most `max_bytes` of `s`, cut at a character boundary, with invalid UTF-8 and control characters each replaced
/// by U+FFFD: for text authd keeps from a header (a session's User-Agent), which it may not refuse.
std::string printable_utf8_prefix(std::string_view s, std::size_t max_bytes);

/// True when every character is an ASCII digit (an empty text too: check the length apart).
bool is_digits(std::string_view s) noexcept;

/// Lower-cases ASCII letters (e-mail addresses are compared case-insensitively).
std::string ascii_lower(std::string_view s);

std::optional<std::string> check_email(std::string_view email);
/// NIST SP 800-63B: 8 to 128 characters, no composition rules.
std::optional<std::string> check_password(std::string_view password);
/// 1 to max characters of valid UTF-8, not only spaces.
std::optional<std::string> check_text(std::string_view text, std::size_t max);
/// 3 to 32 of a-z, A-Z, 0-9, '.', '_' and '-'.
std::optional<std::string> check_username(std::string_view username);
/// A UUID in its canonical lower-case text form (8-4-4-4-12 hex digits). Anything else names no
/// principal: callers answer 404, and no database is asked about it (PostgreSQL would refuse the cast).
bool is_uuid(std::string_view text);

}  // namespace authd
