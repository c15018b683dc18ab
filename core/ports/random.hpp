#pragma once
#include <cstdint>
#include <span>

namespace authd {

/// A cryptographically secure source of random bytes (OpenSSL's CSPRNG in production).
/// Every secret — codes, tokens, ids, license numbers — is drawn from it.
class random_source {
public:
    virtual ~random_source() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace authd
