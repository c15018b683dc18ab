#pragma once
#include <cstdint>
#include <span>

#include "core/ports/random.hpp"

namespace authd::crypto {

/// The production random_source: OpenSSL's CSPRNG, which seeds itself from the
/// operating system and is safe to call from several threads at once.
class openssl_random final : public authd::random_source {
public:
    /// Throws std::runtime_error if the generator cannot produce bytes: handing out
    /// predictable secrets instead would be far worse than failing the request.
    void fill(std::span<std::uint8_t> out) override;
};

}  // namespace authd::crypto
