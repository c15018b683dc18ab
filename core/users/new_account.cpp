#include "core/users/new_account.hpp"

#include <utility>

#include "core/common/random_values.hpp"
#include "core/users/password_rules.hpp"

namespace authd {
namespace {
failure email_taken() { return fail(errc::email_taken, "This e-mail is already registered."); }
}  // namespace

void check_account_fields(std::string& email, std::string_view password, const std::vector<std::string>& names,
                          password_screen& screen, validator& v) {
    email = ascii_lower(email);
    if (auto e = check_email(email)) v.add("email", *e);
    if (auto e = check_new_password(password, personal_details(email, names), screen)) v.add("password", *e);
}

user new_account(std::string email, std::string_view password, password_hasher& hasher, random_source& rng,
                 time_point now) {
    user u;
    u.id = uuid_v4(rng);
    u.email = std::move(email);
    u.password_hash = hasher.hash(password);
    u.roles = {"customer"};
    u.created_at = u.updated_at = now;
    return u;
}

std::optional<failure> insert_account(repositories& repos, const user& u) {
    if (repos.users.find_by_email(u.email)) return email_taken();
    if (u.username && repos.users.find_by_username(*u.username))
        return fail(errc::username_taken, "This username is taken.");
    // The unique index is the last word when two registrations race.
    if (!repos.users.insert(u)) return email_taken();
    return std::nullopt;
}

}  // namespace authd
