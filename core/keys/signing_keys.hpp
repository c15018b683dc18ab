#pragma once
// The signing keys of access tokens when JWT_ALGORITHM is asymmetric: made on first start, rotated by an operator,
// published while tokens they signed may be alive. Every instance on one database signs with the same active key.
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_box.hpp"
#include "core/ports/signing_key_repository.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

struct signing_key_settings {
    std::string algorithm;  ///< "EdDSA", "ES256" or "RS256"
    /// How long a retired key keeps verifying and stays in the JWKS: the longest access token's lifetime, and a
    /// margin for instances that go on signing with it until they notice the rotation.
    seconds verify_after_retirement = std::chrono::hours{24} + std::chrono::minutes{5};
};

enum class signing_key_state { active, retired, expired };
std::string_view to_string(signing_key_state s) noexcept;

struct signing_key_info {
    std::string kid;
    std::string algorithm;
    signing_key_state state{};
    time_point created_at{};
    std::optional<time_point> retired_at;
};

/// A key as the token codec loads it.
struct usable_signing_key {
    std::string kid;
    std::string public_pem;
    std::string private_pem;  ///< empty: retired, verification only
};

class signing_keys {
public:
    signing_keys(unit_of_work& uow, key_pair_maker& maker, secret_box& box, random_source& rng, const clock& clk,
                 signing_key_settings settings);

    /// Makes a key when no active key of the algorithm can sign: a first start, or a DB_ENCRYPTION_KEY change that
    /// left the active key's private half sealed under another key (that one retires).
    void ensure_active();
    /// Makes a new active key and retires the previous one, which verifies until its tokens have expired; records
    /// the rotation done by `actor` (an admin's id, or "operator"). The new key's id.
    std::string rotate(std::string_view actor);
    /// Every key of the algorithm, oldest first, with its state now.
    std::vector<signing_key_info> list();
    /// Active keys (with their private half) and retired ones still verifying, oldest first. An active key whose
    /// private half does not open (DB_ENCRYPTION_KEY changed) is listed for verification only.
    std::vector<usable_signing_key> usable();

private:
    stored_signing_key make_key(time_point now);
    signing_key_state state_of(const stored_signing_key& k, time_point now) const;

    unit_of_work& uow_;
    key_pair_maker& maker_;
    secret_box& box_;
    random_source& rng_;
    const clock& clock_;
    signing_key_settings settings_;
};

}  // namespace authd
