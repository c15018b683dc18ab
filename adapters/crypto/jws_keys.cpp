#include "adapters/crypto/jws_keys.hpp"

#include <openssl/crypto.h>

#include <stdexcept>
#include <utility>

#include "adapters/crypto/sha256.hpp"

namespace authd::crypto {

namespace {
std::string at_least_32_bytes(std::string secret) {
    if (secret.size() < 32) throw std::invalid_argument("HS256 secret must be at least 32 bytes");
    return secret;
}
}  // namespace

hmac_keys::hmac_keys(std::string secret) : key_(at_least_32_bytes(std::move(secret))) {}

jws_keys::signed_input hmac_keys::sign(const std::function<std::string(std::string_view kid)>& input_for) {
    auto input = input_for({});
    auto bytes = key_.sign(input);
    return {std::move(input), std::move(bytes)};
}

bool hmac_keys::verify(std::string_view, std::string_view signing_input, std::string_view bytes) {
    const std::string expected = key_.sign(signing_input);
    return bytes.size() == expected.size() && CRYPTO_memcmp(bytes.data(), expected.data(), expected.size()) == 0;
}

}  // namespace authd::crypto
