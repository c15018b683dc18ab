#include "adapters/crypto/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <cstdint>
#include <stdexcept>

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
