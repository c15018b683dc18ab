#pragma once
// The access-token claims the crypto tests sign: a user's token issued a minute before `claims_now`, alive for 15
// minutes after it.
#include <string>
#include <vector>

#include "core/ports/token_codec.hpp"

namespace authd::test {

inline const time_point claims_now{seconds{1'700'000'000}};

inline access_claims sample_claims(std::vector<std::string> roles = {"admin"}) {
    access_claims c;
    c.subject = "u-42";
    c.type = principal_type::user;
    c.session_id = "s-7";
    c.roles = std::move(roles);
    c.issued_at = claims_now - seconds{60};
    c.expires_at = claims_now + seconds{900};
    c.token_id = "j-1";
    return c;
}

}  // namespace authd::test
