#pragma once
#include <string>

#include "core/ports/secret_box.hpp"

namespace authd::crypto {

/// The secret_box port on AES-256-GCM: "v1." + base64url(12-byte random nonce ||
/// ciphertext || 16-byte tag), with the context as additional authenticated data.
class aes_gcm_box final : public authd::secret_box {
public:
    /// The AES key is derived from `server_key` (DB_ENCRYPTION_KEY) with SHA-256 under a label
    /// of its own, so that it never equals a key used elsewhere.
    explicit aes_gcm_box(std::string_view server_key);
    std::string seal(std::string_view plaintext, std::string_view context) override;
    std::optional<std::string> open(std::string_view sealed, std::string_view context) override;

private:
    std::string key_;  ///< 32 bytes
};

}  // namespace authd::crypto
