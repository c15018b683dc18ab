#include "adapters/crypto/key_ring.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <map>
#include <stdexcept>
#include <utility>

#include "core/common/encoding.hpp"
#include "core/common/recent_reads.hpp"

namespace authd::crypto {
namespace {
using pkey_ptr = std::shared_ptr<EVP_PKEY>;
using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;
using bn_ptr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using sig_ptr = std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)>;

constexpr std::size_t es256_half = 32;  ///< r and s of a P-256 signature, each

pkey_ptr own(EVP_PKEY* key) { return pkey_ptr(key, &EVP_PKEY_free); }

/// Signatures already found good, by a digest of what was signed and the signature. Only authd's own tokens get in,
/// so its size is the number of tokens in use, bounded here; a full shard drops an entry, which costs one check.
using verified_signatures = recent_reads<bool>;
constexpr recent_reads_settings verified_signatures_settings{
    .recheck = std::chrono::hours(1), .quarantine = std::chrono::milliseconds(0), .capacity = 16384};

/// SHA-256 of the signed input's length, the input and the signature: no two pairs give the same bytes.
std::string signature_digest(std::string_view signing_input, std::string_view signature) {
    std::string bytes = std::to_string(signing_input.size()) + ':';
    bytes.append(signing_input).append(signature);
    std::string digest(EVP_MAX_MD_SIZE, '\0');
    unsigned size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), reinterpret_cast<unsigned char*>(digest.data()), &size, EVP_sha256(),
                   nullptr) != 1)
        return {};
    digest.resize(size);
    return digest;
}

/// The OpenSSL key type each algorithm needs.
const char* key_type(std::string_view alg) {
    if (alg == "EdDSA") return "ED25519";
    if (alg == "ES256") return "EC";
    if (alg == "RS256") return "RSA";
    throw std::invalid_argument("not an asymmetric JWT algorithm: " + std::string(alg));
}

bool has_type(EVP_PKEY* key, std::string_view alg) {
    return EVP_PKEY_is_a(key, key_type(alg)) == 1 && (alg != "ES256" || [&] {
               std::array<char, 32> curve{};
               std::size_t n = 0;
               return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve.data(), curve.size(), &n) ==
                          1 &&
                      std::string_view(curve.data(), n) == "prime256v1";
           }());
}

pkey_ptr read_pem(const std::string& pem, bool private_half, std::string_view alg) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    if (!bio) throw std::runtime_error("out of memory reading a key");
    auto key = own(private_half ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (!key || !has_type(key.get(), alg))
        throw std::runtime_error("a signing key is not a PEM " + std::string(alg) + " key");
    return key;
}

std::string write_pem(EVP_PKEY* key, bool private_half) {
    bio_ptr bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio || (private_half ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
                              : PEM_write_bio_PUBKEY(bio.get(), key)) != 1)
        throw std::runtime_error("cannot write a key as PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

/// The digest of the algorithm: none for Ed25519, which hashes on its own.
const EVP_MD* digest_of(std::string_view alg) { return alg == "EdDSA" ? nullptr : EVP_sha256(); }

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

/// ECDSA signs as DER; a JWS carries r || s, each 32 bytes (RFC 7518 section 3.4).
std::string der_to_raw(const std::string& der) {
    const unsigned char* p = bytes(der);
    sig_ptr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
    if (!sig) throw std::runtime_error("ECDSA produced no signature");
    const BIGNUM *r = nullptr, *s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string raw(2 * es256_half, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(r, out, es256_half) < 0 || BN_bn2binpad(s, out + es256_half, es256_half) < 0)
        throw std::runtime_error("ECDSA signature does not fit");
    return raw;
}

std::optional<std::string> raw_to_der(std::string_view raw) {
    if (raw.size() != 2 * es256_half) return std::nullopt;
    sig_ptr sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
    BIGNUM* r = BN_bin2bn(bytes(raw), es256_half, nullptr);
    BIGNUM* s = BN_bin2bn(bytes(raw) + es256_half, es256_half, nullptr);
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
        BN_free(r);
        BN_free(s);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(sig.get(), &der);
    if (n <= 0) return std::nullopt;
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

std::string b64(const std::string& raw) { return base64url_encode(raw); }

/// A big-number parameter of a key, unsigned big-endian, left-padded to `width` bytes when width > 0.
std::string bn_param(EVP_PKEY* key, const char* name, int width) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw std::runtime_error("cannot read a public key");
    const bn_ptr bn(raw, &BN_free);
    const int size = width > 0 ? width : BN_num_bytes(bn.get());
    std::string out(static_cast<std::size_t>(size), '\0');
    if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()), size) < 0)
        throw std::runtime_error("a public key parameter does not fit");
    return out;
}

using jwk_writer = rapidjson::Writer<rapidjson::StringBuffer>;

void member(jwk_writer& w, std::string_view name, std::string_view value) {
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

/// The public JWK (RFC 7517, 7518 section 6, RFC 8037 for Ed25519) of `key`.
void write_jwk(jwk_writer& w, EVP_PKEY* key, std::string_view alg, const std::string& kid) {
    w.StartObject();
    if (alg == "EdDSA") {
        std::string x(32, '\0');
        std::size_t n = x.size();
        if (EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(x.data()), &n) != 1 || n != 32)
            throw std::runtime_error("cannot read an Ed25519 public key");
        member(w, "kty", "OKP");
        member(w, "crv", "Ed25519");
        member(w, "x", b64(x));
    } else if (alg == "ES256") {
        member(w, "kty", "EC");
        member(w, "crv", "P-256");
        member(w, "x", b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, es256_half)));
        member(w, "y", b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, es256_half)));
    } else {
        member(w, "kty", "RSA");
        member(w, "n", b64(bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0)));
        member(w, "e", b64(bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0)));
    }
    member(w, "kid", kid);
    member(w, "alg", alg);
    member(w, "use", "sig");
    w.EndObject();
}

/// The signature check itself, with OpenSSL.
bool check(std::string_view alg, EVP_PKEY* public_key, std::string_view signing_input, std::string_view signature) {
    std::string der;
    if (alg == "ES256") {
        auto converted = raw_to_der(signature);
        if (!converted) return false;
        der = std::move(*converted);
        signature = der;
    }
    const md_ctx_ptr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digest_of(alg), nullptr, public_key) == 1 &&
           EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signing_input),
                            signing_input.size()) == 1;
}

}  // namespace

bool is_asymmetric_algorithm(std::string_view alg) noexcept {
    return alg == "EdDSA" || alg == "ES256" || alg == "RS256";
}

key_pair_maker::pem_pair openssl_key_pair_maker::make(std::string_view alg) {
    EVP_PKEY* made = nullptr;
    if (alg == "EdDSA") made = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    if (alg == "ES256") made = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (alg == "RS256") made = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
    if (!is_asymmetric_algorithm(alg)) throw std::invalid_argument("not an asymmetric JWT algorithm");
    const auto key = own(made);
    if (!key) throw std::runtime_error("key generation failed");
    return {write_pem(key.get(), false), write_pem(key.get(), true)};
}

struct key_ring::snapshot {
    struct entry {
        pkey_ptr public_key;
        pkey_ptr private_key;  ///< null: verification only
    };
    std::map<std::string, entry, std::less<>> keys;  ///< by kid
    std::string signing_kid;                         ///< the newest key with a private half
    pkey_ptr signing_key;
    std::string jwks;
    /// What these keys verified already: an Ed25519 check costs about 100 µs of CPU here, and a gateway has the same
    /// token checked on every request it passes. Handed on to the next snapshot only while the public keys are the
    /// same (the JWK Set, kids included), so that a key that leaves the ring takes its signatures with it.
    std::shared_ptr<verified_signatures> verified;
};

key_ring::key_ring(std::string alg, loader load, std::chrono::steady_clock::duration recheck)
    : alg_(std::move(alg)), load_(std::move(load)), recheck_(recheck) {
    key_type(alg_);  // throws for an algorithm this ring does not sign with
}

key_ring::~key_ring() = default;

void key_ring::reload() {
    auto next = std::make_shared<snapshot>();
    rapidjson::StringBuffer buffer;
    jwk_writer w(buffer);
    w.StartObject();
    w.Key("keys");
    w.StartArray();
    for (const auto& k : load_()) {
        snapshot::entry e{nullptr, nullptr};
        if (!k.private_pem.empty()) {
            e.private_key = read_pem(k.private_pem, true, alg_);
            next->signing_kid = k.kid;  // the store lists keys oldest first
            next->signing_key = e.private_key;
        }
        // A private key holds its public half: an operator's key file may come without a public one.
        e.public_key = k.public_pem.empty() && e.private_key ? e.private_key : read_pem(k.public_pem, false, alg_);
        write_jwk(w, e.public_key.get(), alg_, k.kid);
        next->keys.emplace(k.kid, std::move(e));
    }
    w.EndArray();
    w.EndObject();
    next->jwks.assign(buffer.GetString(), buffer.GetSize());
    if (!next->signing_key) throw std::runtime_error("no signing key can sign: run `authd keys rotate`");
    std::lock_guard lock(mutex_);
    const bool same_keys = snapshot_ && snapshot_->jwks == next->jwks;
    next->verified = same_keys ? snapshot_->verified
                               : std::make_shared<verified_signatures>(verified_signatures_settings);
    if (snapshot_ && !same_keys) retired_lookups_ += snapshot_->verified->lookups();
    snapshot_ = std::move(next);
}

lookup_counts key_ring::signature_lookups() const {
    std::lock_guard lock(mutex_);
    auto total = retired_lookups_;
    if (snapshot_) total += snapshot_->verified->lookups();
    return total;
}

std::shared_ptr<const key_ring::snapshot> key_ring::current() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

bool key_ring::reload_if_older_than(std::chrono::steady_clock::duration age,
                                    std::chrono::steady_clock::time_point& last) {
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last < age) return false;
        last = now;  // one reader at a time, and none again soon when the store is away
    }
    try {
        reload();
        return true;
    } catch (const std::exception&) {
        return false;  // the store is away: go on with the keys in hand
    }
}

jws_keys::signed_input key_ring::sign(const std::function<std::string(std::string_view kid)>& input_for) {
    const auto keys = current();
    if (!keys) throw std::runtime_error("no signing key loaded");
    signed_input out{input_for(keys->signing_kid), {}};
    const md_ctx_ptr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t size = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_of(alg_), nullptr, keys->signing_key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &size, bytes(out.input), out.input.size()) != 1)
        throw std::runtime_error("signing failed");
    std::string sig(size, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &size, bytes(out.input),
                       out.input.size()) != 1)
        throw std::runtime_error("signing failed");
    sig.resize(size);
    out.bytes = alg_ == "ES256" ? der_to_raw(sig) : std::move(sig);
    return out;
}

bool key_ring::verify(std::string_view kid, std::string_view signing_input, std::string_view signature) {
    if (kid.empty()) return false;  // every token of a key ring names its key
    auto keys = current();
    const auto public_key = [&]() -> EVP_PKEY* {
        if (!keys) return nullptr;
        const auto found = keys->keys.find(kid);
        return found == keys->keys.end() ? nullptr : found->second.public_key.get();
    };
    if (!public_key()) {
        // Perhaps a key another instance just made: read the store again, at most once a `recheck_`.
        if (!reload_if_older_than(recheck_, last_unknown_kid_reload_)) return false;
        keys = current();
        if (!public_key()) return false;
    }
    const auto digest = signature_digest(signing_input, signature);
    if (!digest.empty() && keys->verified->find(digest)) return true;
    if (!check(alg_, public_key(), signing_input, signature)) return false;
    if (!digest.empty()) keys->verified->remember(digest, true);
    return true;
}

std::string key_ring::jwks_json() const {
    const auto keys = current();
    return keys ? keys->jwks : std::string(R"({"keys":[]})");
}

}  // namespace authd::crypto
