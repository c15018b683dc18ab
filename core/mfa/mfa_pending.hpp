#pragma once
#include <string>

#include "core/common/time.hpp"

namespace authd {

/// What a login that still needs its second factor hands back to the client.
struct mfa_pending {
    std::string mfa_token;        ///< opaque, 256 bits; never a bearer token
    std::string delivery_method;  ///< "email" or "totp"
    seconds expires_in{};
};

}  // namespace authd
