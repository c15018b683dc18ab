#include "core/users/password_rules.hpp"

#include "core/common/validation.hpp"

namespace authd {

std::vector<std::string> personal_details(std::string_view email, const std::vector<std::string>& names) {
    std::vector<std::string> out{std::string(email), std::string(email.substr(0, email.find('@')))};
    for (const auto& n : names)
        if (!n.empty()) out.push_back(n);
    return out;
}

std::vector<std::string> personal_details(const user& u) {
    std::vector<std::string> names{u.name};
    if (u.first_name) names.push_back(*u.first_name);
    if (u.last_name) names.push_back(*u.last_name);
    return personal_details(u.email, names);
}

std::optional<std::string> check_new_password(std::string_view password, const std::vector<std::string>& personal,
                                              password_screen& screen) {
    if (auto e = check_password(password)) return e;
    const auto lowered = ascii_lower(password);
    for (const auto& p : personal)
        if (!p.empty() && ascii_lower(p) == lowered) return "must not be your e-mail address or your name";
    return screen.too_guessable(password, personal);
}

}  // namespace authd
