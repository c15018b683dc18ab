#pragma once
#include <string>

#include "core/ports/random.hpp"

namespace authd {

/// n uniform decimal digits, by rejection sampling (no modulo bias).
std::string random_digits(random_source& rng, int n);
/// `bytes` random bytes as base64url: 32 bytes = 256 bits for opaque tokens.
std::string random_token(random_source& rng, int bytes = 32);
/// An RFC 9562 version 4 UUID, lower-case.
std::string uuid_v4(random_source& rng);

}  // namespace authd
