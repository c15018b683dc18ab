#include "core/mfa/second_factor.hpp"

#include <algorithm>
#include <array>

#include "core/audit/audit_trail.hpp"
#include "core/common/encoding.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"

namespace authd {
namespace {
constexpr int recovery_code_count = 10;

/// Recovery codes are compared without case, spaces or dashes: people copy them by hand.
std::string normalize_recovery_code(std::string_view code) {
    std::string out;
    for (const char c : code) {
        if (c == '-' || c == ' ') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}
}  // namespace

second_factor::second_factor(secret_digest& digest, secret_box& box, hmac_sha1& mac, random_source& rng, mfa_settings s)
    : digest_(digest), box_(box), mac_(mac), rng_(rng), settings_(std::move(s)) {}

std::optional<std::int64_t> second_factor::match_seed(const user& u, std::string_view code, time_point now) {
    if (!u.totp_secret) return std::nullopt;
    const auto seed = box_.open(*u.totp_secret, u.id);
    if (!seed) return std::nullopt;  // a seed sealed under another key: no code can match
    return match_totp(mac_, *seed, code, now, u.totp_last_step, settings_.totp);
}

bool second_factor::accept_totp(repositories& repos, user& u, std::string_view code, time_point now) {
    if (!u.mfa_enabled) return false;
    if (is_digits(code)) {
        const auto step = match_seed(u, code, now);
        if (step) u.totp_last_step = *step;
        return step.has_value();
    }
    const auto normalized = normalize_recovery_code(code);
    if (normalized.empty()) return false;
    const auto digests = digest_.keyed_hex_candidates(normalized);
    if (std::none_of(digests.begin(), digests.end(),
                     [&](const std::string& d) { return repos.recovery_codes.use(u.id, d, now); }))
        return false;
    record(repos, {.type = audit_type::recovery_code_used, .principal_id = u.id}, now);
    return true;
}

opened_challenge second_factor::open(repositories& repos, const user& u, time_point now) {
    opened_challenge out;
    out.pending.mfa_token = random_token(rng_, 32);
    out.pending.expires_in = settings_.challenge_ttl;
    mfa_challenge c;
    c.token_digest = digest_.sha256_hex(out.pending.mfa_token);
    c.user_id = u.id;
    c.created_at = now;
    c.expires_at = now + settings_.challenge_ttl;
    if (u.mfa_enabled) {
        c.method = out.pending.delivery_method = factor_method::totp;
    } else {
        c.method = out.pending.delivery_method = factor_method::email;
        const auto code = random_digits(rng_, 6);
        c.code_digest = digest_.keyed_hex(code);
        out.mail = outgoing_message{channel::email, message_kind::sign_in_code, u.email, u.first_name.value_or(u.name),
                                    code,           settings_.challenge_ttl,    u.id};
    }
    repos.challenges.insert(c);
    return out;
}

bool second_factor::matches_email_code(const mfa_challenge& c, std::string_view code) {
    if (!c.code_digest) return false;
    const auto digests = digest_.keyed_hex_candidates(code);
    return std::any_of(digests.begin(), digests.end(),
                       [&](const std::string& d) { return constant_time_equal(*c.code_digest, d); });
}

lockout_policy second_factor::code_policy() const {
    lockout_policy p;
    p.max_failures = settings_.max_code_failures;
    p.lock_for = settings_.challenge_ttl;  // moot: the "lock" ends the challenge for good
    return p;
}

bool second_factor::count_wrong_code(mfa_challenge& c, time_point now) const {
    lockout_state count{c.failures, std::nullopt};
    const bool voided = record_failure(count, now, code_policy());
    // The lockout starts counting again after a lock; a voided challenge is over instead, so it keeps its full
    // count, and no attempts remain.
    c.failures = voided ? code_policy().max_failures : count.failures;
    if (voided) c.ended_at = now;
    return voided;
}

int second_factor::codes_remaining(const mfa_challenge& c) const {
    return attempts_remaining(lockout_state{c.failures, std::nullopt}, code_policy());
}

second_factor::new_seed second_factor::make_seed(const user& u) {
    std::array<std::uint8_t, 20> seed{};
    rng_.fill(seed);
    const std::string raw(seed.begin(), seed.end());
    return {box_.seal(raw, u.id), base32_encode(seed)};
}

std::vector<std::string> second_factor::new_recovery_codes(repositories& repos, const user& u, time_point now) {
    std::vector<std::string> codes, digests;
    for (int i = 0; i < recovery_code_count; ++i) {
        // 120 bits, 24 base32 characters: far past guessing even if the digests leak (codes made before held 50
        // bits in 10 characters; they still work, as every code is compared by its normalized digest).
        std::array<std::uint8_t, 15> bytes{};
        rng_.fill(bytes);
        const auto text = normalize_recovery_code(base32_encode(bytes));
        digests.push_back(digest_.keyed_hex(text));
        std::string shown;  // "xxxx-xxxx-xxxx-xxxx-xxxx-xxxx": groups of four to copy by hand
        for (std::size_t at = 0; at < text.size(); at += 4) shown += (at == 0 ? "" : "-") + text.substr(at, 4);
        codes.push_back(shown);
    }
    repos.recovery_codes.replace(u.id, digests, now);
    return codes;
}

}  // namespace authd
