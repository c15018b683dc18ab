#pragma once
// The password-account use cases wired to fakes, for core tests of users, clients and MFA.
#include "core/clients/client_service.hpp"
#include "core/mfa/second_factor.hpp"
#include "core/mfa/totp_service.hpp"
#include "core/users/auth_service.hpp"
#include "tests/support/fakes.hpp"

namespace authd::test {

struct identity_fixture : fake_ports {
    memory_store store;
    token_service tokens{store, codec, digest, rng, clock, token_settings{}};
    second_factor factor{digest, box, hmac, rng, mfa_settings{}};
    auth_service auth{store, hasher, screen, tokens, factor, notifier, rng, clock, lockout_policy{}};
    totp_service totp{store, hasher, factor, tokens, clock, lockout_policy{}};
    client_service clients{store, hasher, screen, notifier, digest, rng, clock, client_settings{}};

    user registered(std::string email = "ana@example.com", std::optional<std::string> username = std::nullopt) {
        auto r = auth.register_user({std::move(email), "correct-horse", "Ana", std::move(username)});
        REQUIRE(r.ok());
        return r.value();
    }
    result<login_outcome> login(std::string password, std::string email = "ana@example.com",
                                std::optional<std::string> totp_code = std::nullopt) {
        return auth.login({std::move(email), std::move(password), std::move(totp_code)}, {});
    }
    user stored(const std::string& id) { return store.snapshot().users.at(id); }
    /// The user as a token of a sign-in made just now shows them (factor changes need a recent one).
    principal just_signed_in(const std::string& id) {
        return principal{id,
                         principal_type::user,
                         "0b7f3a52-9a8e-4a5c-8d5e-2f1c7e6b9a10",
                         {},
                         clock.now() + std::chrono::minutes{15},
                         clock.now()};
    }

    /// The authenticator code of the user's stored seed, `steps` periods from now.
    std::string totp_code(const std::string& user_id, int steps = 0) {
        const auto u = stored(user_id);
        REQUIRE(u.totp_secret);
        const auto seed = box.open(*u.totp_secret, u.id);
        REQUIRE(seed);
        const auto step = totp_step(clock.now(), seconds{30}) + steps;
        return hotp(hmac, *seed, static_cast<std::uint64_t>(step), 6);
    }

    /// Registers Ana and turns TOTP on; returns her id and recovery codes.
    std::pair<std::string, std::vector<std::string>> with_totp() {
        const auto id = registered().id;
        REQUIRE(totp.setup(id).ok());
        auto codes = totp.enable(just_signed_in(id), totp_code(id));
        REQUIRE(codes.ok());
        clock.advance(seconds{30});  // the code just used is spent: later checks need the next step
        return {id, codes.value()};
    }
};

}  // namespace authd::test
