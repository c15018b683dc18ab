#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/hmac_sha1.hpp"
#include "core/ports/secret_digest.hpp"

namespace authd::crypto {

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

/// HMAC-SHA256 of `data` under `key`: the raw 32-byte MAC, not hex.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// HMAC-SHA256 under one key that signs many messages (HS256's key signs and checks every token). Each thread that
/// uses it prepares OpenSSL's context once, then only resets it. hmac_sha256() looks the digest up and works the key in
/// on every call, and that look-up takes locks that every thread shares: 8 % of a token check's CPU.
class hmac_sha256_key {
public:
    explicit hmac_sha256_key(std::string key);
    /// The raw 32-byte MAC of `data`, the same as hmac_sha256(key, data). Safe to call from any number of threads.
    std::string sign(std::string_view data) const;

private:
    std::string key_;
    std::uint64_t id_;  ///< names this key in each thread's contexts; never reused, unlike an address
};

/// The secret_digest port on OpenSSL. Tokens at rest only need a plain hash:
/// they carry 256 random bits, so there is nothing for a slow hash to protect.
class openssl_digest final : public authd::secret_digest {
public:
    /// keyed_hex() is keyed with the "code digest" key derived from `server_key` (DB_ENCRYPTION_KEY, or the first of
    /// DB_ENCRYPTION_KEYS). keyed_hex_candidates() also offers the digests under each of `old_keys` (the rest of
    /// DB_ENCRYPTION_KEYS), and those of digests written before per-purpose keys, keyed with a server key itself.
    explicit openssl_digest(std::string_view server_key, const std::vector<std::string>& old_keys = {});
    std::string sha256_hex(std::string_view secret) override;
    std::string keyed_hex(std::string_view secret) override;
    std::vector<std::string> keyed_hex_candidates(std::string_view secret) override;

private:
    std::vector<std::string> keys_;  ///< the current key first, then old ones, then the pre-HKDF keys
};

/// HMAC-SHA-1 for TOTP (the hmac_sha1 port).
class openssl_hmac_sha1 final : public authd::hmac_sha1 {
public:
    std::string sign(std::string_view key, std::string_view message) override;
};

}  // namespace authd::crypto
