#include "core/agents/phone.hpp"

#include <algorithm>
#include <array>

namespace authd {
namespace {
constexpr std::array<std::string_view, 2> countries{"+212", "+33"};

std::optional<std::string> digits_only(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (c >= '0' && c <= '9') out += c;
        else if (c != ' ' && c != '.' && c != '-') return std::nullopt;
    }
    return out;
}
}  // namespace

bool is_supported_country(std::string_view country_code) {
    return std::find(countries.begin(), countries.end(), country_code) != countries.end();
}

std::optional<phone_number> parse_phone(std::string_view country_code, std::string_view national) {
    if (!is_supported_country(country_code)) return std::nullopt;
    auto digits = digits_only(national);
    if (!digits) return std::nullopt;
    if (digits->size() == 10 && digits->front() == '0') digits->erase(0, 1);  // the trunk prefix
    // National significant numbers never start with 0 once the trunk prefix is gone.
    if (digits->size() != 9 || digits->front() == '0') return std::nullopt;
    return phone_number{std::string(country_code), *digits};
}

std::optional<phone_number> parse_phone_any(std::string_view number, std::string_view country_code) {
    if (!country_code.empty()) {
        // "+212" + "0612345678", or an E.164 number repeated with its country code.
        if (number.substr(0, country_code.size()) == country_code) number.remove_prefix(country_code.size());
        return parse_phone(country_code, number);
    }
    if (number.empty() || number.front() != '+') return std::nullopt;
    for (const auto c : countries)
        if (number.substr(0, c.size()) == c) return parse_phone(c, number.substr(c.size()));
    return std::nullopt;
}

}  // namespace authd
