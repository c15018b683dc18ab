#pragma once
// JWT_SIGNING_KEYS_DIR: signing keys an operator manages as PEM files instead of keys authd makes in the database.
#include <string>
#include <vector>

#include "adapters/crypto/key_ring.hpp"

namespace authd::crypto {

/// The keys of `dir`, for a key_ring: each `<kid>.pem` holding a private key (PKCS #8) signs and verifies, each
/// `<kid>.pub.pem` holding a public key only verifies; other files are ignored. Keys come in file-name order, so the
/// private key whose name sorts last signs: name files by date (2026-12-03.pem) and a new file is a rotation.
/// Throws std::runtime_error naming the directory or file when it cannot be read, a file name is not a usable kid
/// (1 to 64 letters, digits, '.', '_', '-'), or no private key is there.
std::vector<ring_key> read_key_directory(const std::string& dir);

}  // namespace authd::crypto
