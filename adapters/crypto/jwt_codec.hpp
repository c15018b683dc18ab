#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "adapters/crypto/jws_keys.hpp"
#include "core/common/time.hpp"
#include "core/ports/token_codec.hpp"

namespace authd::crypto {

/// The base64url HS256 JWS signature of `signing_input` (header.payload) under `key`.
std::string hs256_signature(std::string_view key, std::string_view signing_input);

struct jwt_settings {
    std::string issuer;         ///< iss (JWT_ISSUER)
    std::string audience = {};  ///< aud (JWT_AUDIENCE); empty: tokens carry none and none is asked for
    seconds leeway{0};          ///< JWT_LEEWAY_SECONDS: allowed clock skew for exp, nbf and iat
};

/// Access tokens as JWS compact serialization, signed with `keys`. verify() accepts only what sign() makes: alg is
/// the keys' one whatever the header says, kid only picks among the keys authd holds, and header members that carry
/// keys (jwk, jku, x5u, x5c) are never consulted.
class jwt_codec final : public authd::token_codec {
public:
    jwt_codec(jws_keys& keys, jwt_settings settings);

    std::string sign(const access_claims& claims) override;
    /// Never throws for bad input: every malformed, forged, expired or foreign token is std::nullopt.
    std::optional<access_claims> verify(std::string_view token, time_point now) override;

private:
    jws_keys& keys_;
    jwt_settings settings_;
};

/// HS256 with one shared secret and no audience: the codec and its keys in one object.
class jwt_hs256 final : public authd::token_codec {
public:
    /// Throws std::invalid_argument if `secret` is shorter than 32 bytes.
    jwt_hs256(std::string secret, std::string issuer)
        : keys_(std::move(secret)), codec_(keys_, jwt_settings{std::move(issuer)}) {}
    std::string sign(const access_claims& claims) override { return codec_.sign(claims); }
    std::optional<access_claims> verify(std::string_view token, time_point now) override {
        return codec_.verify(token, now);
    }

private:
    hmac_keys keys_;
    jwt_codec codec_;
};

}  // namespace authd::crypto
