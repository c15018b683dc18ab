#pragma once
#include <mutex>
#include <string>
#include <string_view>

#include "core/ports/password_hasher.hpp"
#include "core/ports/random.hpp"

namespace authd::crypto {

/// New hashes are argon2id with OWASP's parameters (m=19456 KiB, t=2, p=1). Legacy
/// bcrypt hashes ($2a$, $2b$, $2y$) still verify, and so do argon2id hashes with other
/// parameters, but both report needs_rehash so they are upgraded at the next login.
/// Safe to call from several threads at once.
class argon2_bcrypt_hasher final : public authd::password_hasher {
public:
    /// `rng` supplies the salts and must outlive the hasher.
    explicit argon2_bcrypt_hasher(authd::random_source& rng);

    std::string hash(std::string_view password) override;
    password_check verify(std::string_view password, std::string_view encoded) override;

private:
    authd::random_source& rng_;
    std::mutex rng_mutex_;  ///< the port does not promise a thread-safe source, so salt draws take turns
};

}  // namespace authd::crypto
