#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace authd {

/// A phone number of a country agents may register from: Morocco (+212) or France (+33).
struct phone_number {
    std::string country_code;  ///< "+212" or "+33"
    std::string national;      ///< 9 digits, without the trunk 0
    std::string e164() const { return country_code + national; }
};

/// "+212" or "+33": the countries agents may register from, decided here only.
bool is_supported_country(std::string_view country_code);

/// From a country code and a national number: 9 digits, a leading 0 accepted and
/// dropped; spaces, dots and dashes ignored.
std::optional<phone_number> parse_phone(std::string_view country_code, std::string_view national);

/// From E.164 ("+212612345678"), or from a country code and a national number when
/// `country_code` is given.
std::optional<phone_number> parse_phone_any(std::string_view number, std::string_view country_code = {});

}  // namespace authd
