#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "core/ports/token_codec.hpp"

namespace authd::crypto {

/// The base64url HS256 JWS signature of `signing_input` (header.payload) under `key`.
std::string hs256_signature(std::string_view key, std::string_view signing_input);

/// Access tokens as JWS compact serialization, HMAC-SHA256 with one shared secret.
/// verify() accepts only what sign() makes: alg is fixed to HS256 whatever the header
/// says, and header members that name keys (kid, jku, jwk, x5u) are never consulted.
class jwt_hs256 final : public authd::token_codec {
public:
    /// Throws std::invalid_argument if `secret` is shorter than 32 bytes: RFC 7518
    /// section 3.2 requires an HS256 key at least as long as the hash output.
    jwt_hs256(std::string secret, std::string issuer);

    std::string sign(const access_claims& claims) override;
    /// Never throws for bad input: every malformed, forged, expired or foreign token is std::nullopt.
    std::optional<access_claims> verify(std::string_view token, time_point now) override;

private:
    std::string secret_;
    std::string issuer_;
};

}  // namespace authd::crypto
