#pragma once
#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_digest.hpp"

namespace authd {

/// A new refresh token: its issue time (10 lower-case hex digits of Unix seconds), then 256 random bits in
/// base64url. The time leads so that the keys a database indexes these tokens by arrive in order: each new row
/// lands beside the last one written instead of on a random page of an index that grows by one entry a refresh.
std::string new_refresh_token(random_source& rng, time_point issued);

/// The key a refresh token is stored and found under, 64 characters: for a token of new_refresh_token()'s shape, its
/// time prefix and then the first 54 hex digits (216 bits) of the whole token's SHA-256; for any other string (a
/// token issued before the prefix existed, or garbage), the full SHA-256 in hex, as those tokens were stored.
std::string refresh_token_key(secret_digest& digest, std::string_view token);

}  // namespace authd
