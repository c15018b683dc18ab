#pragma once
#include <string>
#include <vector>

#include "core/ports/secret_box.hpp"

namespace authd::crypto {

/// The secret_box port on AES-256-GCM: "v3." + key id + "." + base64url(12-byte random nonce || ciphertext ||
/// 16-byte tag), with the context as additional authenticated data. The key id (8 hex digits derived from the server
/// key, not secret) says which key of DB_ENCRYPTION_KEYS opens a value.
class aes_gcm_box final : public authd::secret_box {
public:
    /// Seals under `server_key` (DB_ENCRYPTION_KEY, or the first of DB_ENCRYPTION_KEYS); opens under it and under
    /// each of `old_keys` (the rest of DB_ENCRYPTION_KEYS). The AES key is the "secret box" key derived from a server
    /// key with HKDF. Values sealed before key ids ("v2.", HKDF key; "v1.", SHA-256 of a label and the server key)
    /// still open under any key of the ring.
    explicit aes_gcm_box(std::string_view server_key, const std::vector<std::string>& old_keys = {});
    std::string seal(std::string_view plaintext, std::string_view context) override;
    std::optional<std::string> open(std::string_view sealed, std::string_view context) override;
    bool sealed_with_current_key(std::string_view sealed) const override;

private:
    struct key_set {
        std::string id;      ///< 8 hex digits in "v3." values
        std::string key;     ///< 32 bytes: "v3." and "v2."
        std::string legacy;  ///< 32 bytes: "v1."
    };
    std::vector<key_set> keys_;  ///< the current key first
};

}  // namespace authd::crypto
