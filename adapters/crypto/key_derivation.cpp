#include "adapters/crypto/key_derivation.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace authd::crypto {

std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info, std::size_t length) {
    using kdf_ptr = std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)>;
    using ctx_ptr = std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)>;
    const kdf_ptr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), &EVP_KDF_free);
    const ctx_ptr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr, &EVP_KDF_CTX_free);
    if (!ctx) throw std::runtime_error("HKDF is not available");
    // OpenSSL's parameter API takes non-const pointers; it only reads them.
    const auto octets = [](const char* name, std::string_view value) {
        return OSSL_PARAM_construct_octet_string(name, const_cast<char*>(value.data()), value.size());
    };
    std::array<char, 7> digest{"SHA256"};
    // An empty salt or info is left out (OpenSSL refuses an empty octet string): RFC 5869 makes a missing salt
    // HashLen zero bytes, which HMAC treats exactly as an empty key.
    std::array<OSSL_PARAM, 5> params{};
    std::size_t n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0);
    params[n++] = octets(OSSL_KDF_PARAM_KEY, key);
    if (!salt.empty()) params[n++] = octets(OSSL_KDF_PARAM_SALT, salt);
    if (!info.empty()) params[n++] = octets(OSSL_KDF_PARAM_INFO, info);
    params[n] = OSSL_PARAM_construct_end();
    std::string out(length, '\0');
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params.data()) != 1)
        throw std::runtime_error("HKDF failed");
    return out;
}

std::string purpose_key(std::string_view server_key, std::string_view purpose) {
    return hkdf_sha256(server_key, {}, "authd " + std::string(purpose), 32);
}

}  // namespace authd::crypto
