#include "adapters/crypto/sha256.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <array>
#include <atomic>
#include <climits>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

#include "adapters/crypto/key_derivation.hpp"
#include "core/common/encoding.hpp"

namespace authd::crypto {
namespace {

// OpenSSL may treat a null pointer as "no data" differently from a zero-length
// buffer; an empty string_view can carry a null data(), so always pass a real one.
const unsigned char* bytes_of(std::string_view s) noexcept {
    static constexpr unsigned char empty = 0;
    return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    std::array<std::uint8_t, 32> digest{};
    unsigned int len = 0;
    if (EVP_Digest(bytes_of(data), data.size(), digest.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != digest.size())
        throw std::runtime_error("SHA-256 failed");
    return authd::hex_encode(digest);
}

namespace {
std::string hmac(const EVP_MD* md, std::size_t size, std::string_view key, std::string_view data) {
    // HMAC() takes the key length as an int: refuse rather than silently truncate the key.
    if (key.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("HMAC key too long");
    std::string mac(size, '\0');
    unsigned int len = 0;
    if (HMAC(md, bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
             reinterpret_cast<unsigned char*>(mac.data()), &len) == nullptr ||
        len != mac.size())
        throw std::runtime_error("HMAC failed");
    return mac;
}
}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) { return hmac(EVP_sha256(), 32, key, data); }

namespace {

struct mac_context_free {
    void operator()(EVP_MAC_CTX* context) const noexcept { EVP_MAC_CTX_free(context); }
};
using mac_context = std::unique_ptr<EVP_MAC_CTX, mac_context_free>;

mac_context keyed_hmac_sha256_context(std::string_view key) {
    static EVP_MAC* const hmac_algorithm = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // fetched once, never freed
    if (hmac_algorithm == nullptr) throw std::runtime_error("OpenSSL has no HMAC");
    mac_context context(EVP_MAC_CTX_new(hmac_algorithm));
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!context || EVP_MAC_init(context.get(), bytes_of(key), key.size(), params) != 1)
        throw std::runtime_error("HMAC set-up failed");
    return context;
}

}  // namespace

hmac_sha256_key::hmac_sha256_key(std::string key) : key_(std::move(key)) {
    static std::atomic<std::uint64_t> last_id{0};
    id_ = ++last_id;
}

std::string hmac_sha256_key::sign(std::string_view data) const {
    // A few keys per thread: one in service, the rest for tests and a key changed while running. The oldest goes.
    struct keyed_context {
        std::uint64_t id = 0;
        mac_context context;
    };
    thread_local std::array<keyed_context, 4> contexts;
    thread_local std::size_t next_slot = 0;

    EVP_MAC_CTX* context = nullptr;
    for (auto& slot : contexts)
        if (slot.id == id_) context = slot.context.get();
    if (context != nullptr) {
        if (EVP_MAC_init(context, nullptr, 0, nullptr) != 1) throw std::runtime_error("HMAC reset failed");
    } else {
        auto& slot = contexts[next_slot++ % contexts.size()];
        slot = {id_, keyed_hmac_sha256_context(key_)};
        context = slot.context.get();
    }
    std::string mac(32, '\0');
    std::size_t length = 0;
    if (EVP_MAC_update(context, bytes_of(data), data.size()) != 1 ||
        EVP_MAC_final(context, reinterpret_cast<unsigned char*>(mac.data()), &length, mac.size()) != 1 ||
        length != mac.size())
        throw std::runtime_error("HMAC failed");
    return mac;
}

std::string openssl_hmac_sha1::sign(std::string_view key, std::string_view message) {
    return hmac(EVP_sha1(), 20, key, message);
}

std::string openssl_digest::sha256_hex(std::string_view secret) { return crypto::sha256_hex(secret); }

namespace {
std::string keyed_hex_under(std::string_view key, std::string_view secret) {
    const std::string mac = hmac_sha256(key, secret);
    return hex_encode({reinterpret_cast<const std::uint8_t*>(mac.data()), mac.size()});
}
}  // namespace

openssl_digest::openssl_digest(std::string_view server_key, const std::vector<std::string>& old_keys) {
    keys_.push_back(purpose_key(server_key, "code digest"));
    for (const auto& k : old_keys) keys_.push_back(purpose_key(k, "code digest"));
    keys_.emplace_back(server_key);
    keys_.insert(keys_.end(), old_keys.begin(), old_keys.end());
}

std::string openssl_digest::keyed_hex(std::string_view secret) { return keyed_hex_under(keys_.front(), secret); }

std::vector<std::string> openssl_digest::keyed_hex_candidates(std::string_view secret) {
    std::vector<std::string> out;
    for (const auto& k : keys_) out.push_back(keyed_hex_under(k, secret));
    return out;
}

}  // namespace authd::crypto
