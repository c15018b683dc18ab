#pragma once
// Registering a password account, the same for users and for clients: one rule for the e-mail and the
// password, one shape of a new account, one answer when the e-mail is taken.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/ports/random.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/user.hpp"

namespace authd {

/// Lower-cases `email` (addresses are compared without case) and checks it and the password (check_new_password,
/// against the address and `names`) into `v`, before the caller checks its own fields.
void check_account_fields(std::string& email, std::string_view password, const std::vector<std::string>& names,
                          password_screen& screen, validator& v);

/// A new customer account: a fresh id, the hashed password, created `now`; the caller adds its own fields.
/// Hashing is slow: call it before the transaction.
user new_account(std::string email, std::string_view password, password_hasher& hasher, random_source& rng,
                 time_point now);

/// Inserts the account in the caller's transaction; email_taken (or username_taken) when another account
/// holds it already.
std::optional<failure> insert_account(repositories& repos, const user& u);

}  // namespace authd
