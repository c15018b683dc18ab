#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/time.hpp"

namespace authd {

/// A key pair access tokens are signed with (JWT_ALGORITHM EdDSA, ES256 or RS256). Every instance on one database
/// signs with the same active key; the private half is sealed with DB_ENCRYPTION_KEY.
struct stored_signing_key {
    std::string kid;
    std::string algorithm;  ///< "EdDSA", "ES256", "RS256"
    std::string public_pem;
    std::string sealed_private;  ///< the private half as PEM, sealed (context: the kid)
    time_point created_at{};
    std::optional<time_point> retired_at;  ///< none: active
};

class signing_key_repository {
public:
    virtual ~signing_key_repository() = default;
    /// Every key, oldest first.
    virtual std::vector<stored_signing_key> list() = 0;
    virtual void insert(const stored_signing_key& k) = 0;
    /// Retires every active key of `algorithm`; how many.
    virtual int retire_active(std::string_view algorithm, time_point now) = 0;
};

/// Makes key pairs, as PEM (the crypto adapter).
class key_pair_maker {
public:
    virtual ~key_pair_maker() = default;
    struct pem_pair {
        std::string public_pem;
        std::string private_pem;
    };
    virtual pem_pair make(std::string_view algorithm) = 0;
};

}  // namespace authd
