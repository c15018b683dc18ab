#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/lockout/security_policy.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/user.hpp"

namespace authd {

struct client_registration {
    std::string email;
    std::string password;
    std::string first_name;
    std::string last_name;
    std::optional<std::string> phone_number;  ///< E.164
};

struct client_settings {
    seconds verification_ttl = security_policy{}.verification_ttl;
    seconds resend_cooldown = security_policy{}.verification_resend_after;
};

/// Clients: users created through /api/v1/clients, who prove their e-mail address
/// before they can log in. (Logging in is auth_service's, the same for every account.)
class client_service {
public:
    client_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen, notifier& notify,
                   secret_digest& digest, random_source& rng, const clock& clk, client_settings s);

    /// Registers the client and e-mails a verification token. Hashes a password: call it off the I/O threads.
    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<user> register_client(client_registration r, validator found = {});
    /// invalid_token when the token is wrong, used, replaced or older than the verification lifetime.
    result<user> verify_email(std::string_view id, std::string_view token);
    /// A new token replacing the unused ones; already_verified, or resend_too_soon within the cooldown.
    outcome resend_verification(std::string_view id);
    /// The client, for itself or an admin.
    result<user> find(std::string_view id, const principal& caller);

private:
    /// Stores a new verification token for `u` and returns the e-mail that carries it.
    /// A new verification token (the older ones void), queued for e-mail in the caller's transaction.
    void new_verification(repositories& repos, const user& u, time_point now);

    unit_of_work& uow_;
    password_hasher& hasher_;
    password_screen& screen_;
    notifier& notify_;
    secret_digest& digest_;
    random_source& rng_;
    const clock& clock_;
    client_settings settings_;
};

}  // namespace authd
