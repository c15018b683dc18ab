#pragma once
#include <string>
#include <string_view>

namespace authd {

/// HMAC-SHA-1, the MAC that HOTP and TOTP are defined on (RFC 4226, RFC 6238).
/// SHA-1's collision weakness does not touch HMAC; authenticator apps expect it.
class hmac_sha1 {
public:
    virtual ~hmac_sha1() = default;
    /// The raw 20-byte MAC of `message` under `key`.
    virtual std::string sign(std::string_view key, std::string_view message) = 0;
};

}  // namespace authd
