#include "adapters/crypto/aes_gcm_box.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>
#include <stdexcept>

#include "adapters/crypto/key_derivation.hpp"
#include "adapters/crypto/sha256.hpp"
#include "core/common/encoding.hpp"

namespace authd::crypto {
namespace {
constexpr std::string_view prefix = "v3.", unnamed_prefix = "v2.", legacy_prefix = "v1.";
constexpr std::size_t key_id_size = 8;
constexpr std::size_t nonce_size = 12, tag_size = 16;

using cipher_ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
    static constexpr unsigned char empty = 0;
    return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

int int_size(std::string_view s) {
    if (s.size() > static_cast<std::size_t>(INT_MAX / 2)) throw std::invalid_argument("secret too long to seal");
    return static_cast<int>(s.size());
}

/// Starts an AES-256-GCM context for one message: key, 12-byte nonce, and the context as AAD.
cipher_ctx start(bool encrypting, std::string_view key, std::string_view nonce, std::string_view aad) {
    cipher_ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0;
    const int enc = encrypting ? 1 : 0;
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_size), nullptr) != 1 ||
        EVP_CipherInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(nonce), enc) != 1 ||
        EVP_CipherUpdate(ctx.get(), nullptr, &len, bytes(aad), int_size(aad)) != 1)
        throw std::runtime_error("AES-GCM setup failed");
    return ctx;
}
}  // namespace

aes_gcm_box::aes_gcm_box(std::string_view server_key, const std::vector<std::string>& old_keys) {
    std::vector<std::string_view> all{server_key};
    all.insert(all.end(), old_keys.begin(), old_keys.end());
    for (const auto k : all) {
        key_set set{sha256_hex(purpose_key(k, "key id")).substr(0, key_id_size), purpose_key(k, "secret box"), {}};
        const auto hex = sha256_hex("authd secret_box v1\n" + std::string(k));
        for (std::size_t i = 0; i < hex.size(); i += 2)
            set.legacy += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
        keys_.push_back(std::move(set));
    }
}

std::string aes_gcm_box::seal(std::string_view plaintext, std::string_view context) {
    std::string out(nonce_size + plaintext.size() + tag_size, '\0');
    auto* data = reinterpret_cast<unsigned char*>(out.data());
    // A random 96-bit nonce: safe for far more seals than this service will ever make under one key.
    if (RAND_bytes(data, static_cast<int>(nonce_size)) != 1) throw std::runtime_error("RAND_bytes failed");
    auto ctx = start(true, keys_.front().key, out.substr(0, nonce_size), context);
    int len = 0, tail = 0;
    if (EVP_CipherUpdate(ctx.get(), data + nonce_size, &len, bytes(plaintext), int_size(plaintext)) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), data + nonce_size + len, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_size),
                            data + nonce_size + plaintext.size()) != 1)
        throw std::runtime_error("AES-GCM seal failed");
    return std::string(prefix) + keys_.front().id + "." + base64url_encode(out);
}

bool aes_gcm_box::sealed_with_current_key(std::string_view sealed) const {
    return sealed.substr(0, prefix.size()) == prefix && sealed.substr(prefix.size(), key_id_size) == keys_.front().id;
}

namespace {
/// Opens `payload` (the base64url after a prefix) under `key`; nothing when altered, or another key or context.
std::optional<std::string> open_under(std::string_view key, std::string_view payload, std::string_view context) {
    const auto raw = base64url_decode(payload);
    if (!raw || raw->size() < nonce_size + tag_size) return std::nullopt;
    const std::string_view all(*raw);
    const auto body = all.substr(nonce_size, all.size() - nonce_size - tag_size);
    std::string tag(all.substr(all.size() - tag_size));
    auto ctx = start(false, key, all.substr(0, nonce_size), context);
    std::string plain(body.size(), '\0');
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    int len = 0, tail = 0;
    if (EVP_CipherUpdate(ctx.get(), out, &len, bytes(body), int_size(body)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_size), tag.data()) != 1)
        throw std::runtime_error("AES-GCM open failed");
    if (EVP_CipherFinal_ex(ctx.get(), out + len, &tail) != 1) return std::nullopt;
    return plain;
}
}  // namespace

std::optional<std::string> aes_gcm_box::open(std::string_view sealed, std::string_view context) {
    if (sealed.substr(0, prefix.size()) == prefix) {
        const auto id = sealed.substr(prefix.size(), key_id_size);
        if (sealed.size() <= prefix.size() + key_id_size || sealed[prefix.size() + key_id_size] != '.')
            return std::nullopt;
        for (const auto& k : keys_)
            if (k.id == id) return open_under(k.key, sealed.substr(prefix.size() + key_id_size + 1), context);
        return std::nullopt;  // sealed under a key no longer in DB_ENCRYPTION_KEYS
    }
    // Older values name no key: each key of the ring is tried (GCM's tag tells the right one).
    const bool unnamed = sealed.substr(0, unnamed_prefix.size()) == unnamed_prefix;
    if (!unnamed && sealed.substr(0, legacy_prefix.size()) != legacy_prefix) return std::nullopt;
    for (const auto& k : keys_)
        if (auto plain = open_under(unnamed ? k.key : k.legacy, sealed.substr(unnamed_prefix.size()), context))
            return plain;
    return std::nullopt;
}

}  // namespace authd::crypto
