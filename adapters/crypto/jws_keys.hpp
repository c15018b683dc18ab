#pragma once
// The keys a JWS is signed and checked with. One algorithm per deployment: a token's header never chooses it, and no
// header member (jwk, jku, x5u, x5c) ever supplies key material; `kid` only picks among the keys authd holds.
#include <functional>
#include <string>
#include <string_view>

#include "adapters/crypto/sha256.hpp"

namespace authd::crypto {

class jws_keys {
public:
    virtual ~jws_keys() = default;
    /// "HS256", "EdDSA", "ES256" or "RS256": what sign() writes as `alg`, and the only `alg` verify() accepts.
    virtual std::string_view algorithm() const = 0;

    struct signed_input {
        std::string input;  ///< header.payload
        std::string bytes;  ///< the raw JWS signature of it
    };
    /// Picks the signing key, asks `input_for` for the signing input naming its kid (empty: none), and signs it.
    virtual signed_input sign(const std::function<std::string(std::string_view kid)>& input_for) = 0;
    /// Whether `bytes` signs `signing_input` under the key `kid` names (empty: the header named none).
    virtual bool verify(std::string_view kid, std::string_view signing_input, std::string_view bytes) = 0;
};

/// HS256 with one shared secret (JWT_SECRET_KEY): no kid; whoever holds the secret can mint tokens.
class hmac_keys final : public jws_keys {
public:
    /// Throws std::invalid_argument if `secret` is shorter than 32 bytes: RFC 7518 section 3.2 requires an HS256 key
    /// at least as long as the hash output.
    explicit hmac_keys(std::string secret);
    std::string_view algorithm() const override { return "HS256"; }
    signed_input sign(const std::function<std::string(std::string_view kid)>& input_for) override;
    bool verify(std::string_view kid, std::string_view signing_input, std::string_view bytes) override;

private:
    hmac_sha256_key key_;
};

}  // namespace authd::crypto
