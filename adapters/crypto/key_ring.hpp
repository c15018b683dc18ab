#pragma once
// Asymmetric signing keys (EdDSA with Ed25519, ES256 with P-256, RS256 with RSA 2048): the keys authd signs access
// tokens with and that other services check them with, published as a JWK Set. Key material arrives as PEM from the
// key store (core/keys/signing_keys.hpp); OpenSSL stays in this file's .cpp.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/crypto/jws_keys.hpp"
#include "core/common/lookup_counts.hpp"
#include "core/ports/signing_key_repository.hpp"

namespace authd::crypto {

/// "EdDSA", "ES256", "RS256": the asymmetric algorithms JWT_ALGORITHM may name.
bool is_asymmetric_algorithm(std::string_view alg) noexcept;

/// New key pairs on OpenSSL: Ed25519, P-256 or RSA 2048, as PEM (SubjectPublicKeyInfo, PKCS #8).
class openssl_key_pair_maker final : public authd::key_pair_maker {
public:
    pem_pair make(std::string_view alg) override;
};

/// One key as the store hands it over: the newest with a private half signs; every one listed verifies.
struct ring_key {
    std::string kid;
    std::string public_pem;   ///< empty: taken from the private key
    std::string private_pem;  ///< empty: a retired key, for verification only
};

/// The asymmetric jws_keys: a snapshot of keys, replaced whole by reload(). A token naming a kid this instance does
/// not know makes it read the store again (at most once a second), so that a key another instance just made verifies
/// here at once.
class key_ring final : public jws_keys {
public:
    using loader = std::function<std::vector<ring_key>()>;
    /// Holds no key until the first reload(): the store may not have its tables yet. `recheck`: how long after a
    /// read an unknown kid may make it read again.
    key_ring(std::string alg, loader load, std::chrono::steady_clock::duration recheck = std::chrono::seconds{1});
    ~key_ring() override;

    /// Reads the keys again; throws std::runtime_error when none can sign or a PEM does not parse as the algorithm.
    void reload();
    std::string_view algorithm() const override { return alg_; }
    signed_input sign(const std::function<std::string(std::string_view kid)>& input_for) override;
    /// Whether `bytes` is a signature of `signing_input` by the key `kid`; a signature found good before under the same
    /// keys is not checked again.
    bool verify(std::string_view kid, std::string_view signing_input, std::string_view bytes) override;

    /// Lookups of the remembered signatures so far, over every reload: a hit skipped the signature check, a miss made
    /// it (a known kid's signature only: an unknown kid is refused before).
    lookup_counts signature_lookups() const;

    /// The JWK Set of every key in the ring: {"keys":[{"kty",...,"kid","alg","use":"sig"}]}.
    std::string jwks_json() const;

private:
    struct snapshot;
    std::shared_ptr<const snapshot> current() const;
    /// reload() unless `last` (the last one tried for that reason) is more recent than `age`; whether it read the
    /// keys. Unknown kids keep their own time, so that a flood of forged kids costs one read a `recheck_`, and the
    /// first unknown kid after a regular read is looked up at once.
    bool reload_if_older_than(std::chrono::steady_clock::duration age, std::chrono::steady_clock::time_point& last);

    std::string alg_;
    loader load_;
    std::chrono::steady_clock::duration recheck_;
    mutable std::mutex mutex_;  ///< guards snapshot_, retired_lookups_ and last_unknown_kid_reload_
    std::shared_ptr<const snapshot> snapshot_;
    std::chrono::steady_clock::time_point last_unknown_kid_reload_{};
    lookup_counts retired_lookups_;  ///< the counts of caches that reloads dropped with their keys
};

}  // namespace authd::crypto
