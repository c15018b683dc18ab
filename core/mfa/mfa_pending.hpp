#pragma once
#include <string>

#include "core/common/time.hpp"
#include "core/mfa/factor_method.hpp"

namespace authd {

/// What a login that still needs its second factor hands back to the client.
struct mfa_pending {
    std::string mfa_token;  ///< opaque, 256 bits; never a bearer token
    factor_method delivery_method = factor_method::email;
    seconds expires_in{};
};

}  // namespace authd
