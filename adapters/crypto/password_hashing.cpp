#include "adapters/crypto/password_hashing.hpp"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>

namespace authd::crypto {
namespace {

// OWASP Password Storage Cheat Sheet, argon2id: 19 MiB of memory, 2 passes, 1 lane.
constexpr std::uint32_t memory_kib = 19456;
constexpr std::uint32_t passes = 2;
constexpr std::uint32_t lanes = 1;
constexpr std::uint32_t salt_size = 16;
constexpr std::uint32_t hash_size = 32;

constexpr std::string_view argon2id_prefix = "$argon2id$";

struct argon2_parameters {
    std::uint32_t version = ARGON2_VERSION_10;  // PHC strings without "v=" predate version 19
    std::uint32_t m = 0;
    std::uint32_t t = 0;
    std::uint32_t p = 0;
};

bool take(std::string_view& s, std::string_view expected) {
    if (!s.starts_with(expected)) return false;
    s.remove_prefix(expected.size());
    return true;
}

// Reads "<name><digits>" at the front of `s`, e.g. "m=19456".
bool take_number(std::string_view& s, std::string_view name, std::uint32_t& out) {
    if (!take(s, name)) return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc{}) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    return true;
}

// Reads the parameters of "$argon2id$[v=19$]m=..,t=..,p=..$salt$hash"; libargon2 checks the rest.
std::optional<argon2_parameters> parse_argon2id(std::string_view encoded) {
    argon2_parameters params;
    if (!take(encoded, argon2id_prefix)) return std::nullopt;
    if (encoded.starts_with("v=") && !(take_number(encoded, "v=", params.version) && take(encoded, "$")))
        return std::nullopt;
    if (!take_number(encoded, "m=", params.m) || !take_number(encoded, ",t=", params.t) ||
        !take_number(encoded, ",p=", params.p) || !take(encoded, "$"))
        return std::nullopt;
    return params;
}

password_check verify_argon2id(std::string_view password, std::string_view encoded) {
    const auto params = parse_argon2id(encoded);
    if (!params) return {};
    const std::string encoded_z(encoded);
    if (argon2id_verify(encoded_z.c_str(), password.data(), password.size()) != ARGON2_OK) return {};
    const bool current = params->version == ARGON2_VERSION_NUMBER && params->m == memory_kib && params->t == passes &&
                         params->p == lanes;
    return {.matches = true, .needs_rehash = !current};
}

password_check verify_bcrypt(std::string_view password, std::string_view encoded) {
    // crypt_r reads a C string: a password with a NUL in it would be cut short and could match a prefix.
    if (password.find('\0') != std::string_view::npos) return {};
    std::string phrase(password);
    const std::string setting(encoded);
    // About 32 KiB: too much for the stack of a pool thread. Value-initialised, as crypt_r requires.
    const auto data = std::make_unique<crypt_data>();
    const char* out = crypt_r(phrase.c_str(), setting.c_str(), data.get());
    // On failure libxcrypt returns null or a "*0"/"*1" token that no stored hash equals.
    const bool matches = out != nullptr && out[0] != '*' && std::strlen(out) == encoded.size() &&
                         CRYPTO_memcmp(out, encoded.data(), encoded.size()) == 0;
    OPENSSL_cleanse(phrase.data(), phrase.size());
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    // bcrypt is legacy: a match is the chance to store argon2id instead.
    return {.matches = matches, .needs_rehash = matches};
}

}  // namespace

argon2_bcrypt_hasher::argon2_bcrypt_hasher(authd::random_source& rng) : rng_(rng) {}

std::string argon2_bcrypt_hasher::hash(std::string_view password) {
    std::array<std::uint8_t, salt_size> salt{};
    {
        const std::scoped_lock lock(rng_mutex_);
        rng_.fill(salt);
    }
    // argon2_encodedlen counts the terminating NUL; the string is trimmed to its real length below.
    std::string encoded(argon2_encodedlen(passes, memory_kib, lanes, salt_size, hash_size, Argon2_id), '\0');
    const int rc = argon2id_hash_encoded(passes, memory_kib, lanes, password.data(), password.size(), salt.data(),
                                         salt.size(), hash_size, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id hashing failed: ") + argon2_error_message(rc));
    encoded.resize(std::strlen(encoded.c_str()));
    return encoded;
}

password_check argon2_bcrypt_hasher::verify(std::string_view password, std::string_view encoded) {
    // Both libraries read the encoding as a C string: an embedded NUL would hide what follows it.
    if (encoded.find('\0') != std::string_view::npos) return {};
    if (encoded.starts_with(argon2id_prefix)) return verify_argon2id(password, encoded);
    if (encoded.starts_with("$2b$") || encoded.starts_with("$2a$") || encoded.starts_with("$2y$"))
        return verify_bcrypt(password, encoded);
    return {};
}

}  // namespace authd::crypto
