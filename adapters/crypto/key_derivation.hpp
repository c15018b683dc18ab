#pragma once
// One server secret (DB_ENCRYPTION_KEY), a key per purpose: HKDF-SHA-256 (RFC 5869) with a label each, so that a key
// serving one purpose (sealing TOTP seeds) never equals, nor tells anything about, the key of another (code digests).
#include <cstddef>
#include <string>
#include <string_view>

namespace authd::crypto {

/// HKDF-SHA-256 (RFC 5869): `length` bytes of output keying material from `key`, `salt` and `info`.
std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info, std::size_t length);

/// The 32-byte key of one purpose, derived from the server's secret: HKDF-SHA-256 with no salt and the info
/// "authd " + purpose.
std::string purpose_key(std::string_view server_key, std::string_view purpose);

}  // namespace authd::crypto
