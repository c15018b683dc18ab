#pragma once
#include <mutex>
#include <optional>
#include <string>

#include "core/common/result.hpp"
#include "core/lockout/lockout.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

struct registration {
    std::string email;
    std::string password;
    std::string name;
    std::optional<std::string> username;
};

struct credentials {
    std::string login;  ///< e-mail or username
    std::string password;
};

struct login_success {
    user account;
    token_pair tokens;
};

/// Password accounts: registration, login with lockout, profile reads.
/// Login and registration hash passwords: call them off the I/O threads.
class auth_service {
public:
    auth_service(unit_of_work& uow, password_hasher& hasher, token_service& tokens, random_source& rng,
                 const clock& clk, lockout_policy login_lockout);

    result<user> register_user(registration r);
    result<login_success> login(const credentials& c, const client_info& from);
    result<user> find(std::string_view user_id);

private:
    const std::string& decoy_hash();

    unit_of_work& uow_;
    password_hasher& hasher_;
    token_service& tokens_;
    random_source& rng_;
    const clock& clock_;
    lockout_policy lockout_;
    std::once_flag decoy_once_;
    std::string decoy_hash_;
};

}  // namespace authd
