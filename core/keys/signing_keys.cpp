#include "core/keys/signing_keys.hpp"

#include <utility>

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"

namespace authd {

std::string_view to_string(signing_key_state s) noexcept {
    switch (s) {
        case signing_key_state::active: return "active";
        case signing_key_state::retired: return "retired";
        case signing_key_state::expired: return "expired";
    }
    return "";
}

signing_keys::signing_keys(unit_of_work& uow, key_pair_maker& maker, secret_box& box, random_source& rng,
                           const clock& clk, signing_key_settings settings)
    : uow_(uow), maker_(maker), box_(box), rng_(rng), clock_(clk), settings_(std::move(settings)) {}

stored_signing_key signing_keys::make_key(time_point now) {
    auto pair = maker_.make(settings_.algorithm);
    stored_signing_key k;
    k.kid = random_token(rng_, 16);
    k.algorithm = settings_.algorithm;
    k.public_pem = std::move(pair.public_pem);
    k.sealed_private = box_.seal(pair.private_pem, k.kid);
    k.created_at = now;
    return k;
}

signing_key_state signing_keys::state_of(const stored_signing_key& k, time_point now) const {
    if (!k.retired_at) return signing_key_state::active;
    return now < *k.retired_at + settings_.verify_after_retirement ? signing_key_state::retired
                                                                   : signing_key_state::expired;
}

void signing_keys::ensure_active() {
    const auto now = clock_.now();
    auto made = make_key(now);  // outside the transaction: making an RSA key takes a while
    uow_.write([&](repositories& r) {
        bool any_active = false;
        for (const auto& k : r.signing_keys.list())
            if (k.algorithm == settings_.algorithm && !k.retired_at) {
                // An active key whose private half does not open (DB_ENCRYPTION_KEY changed) cannot sign: it retires.
                if (box_.open(k.sealed_private, k.kid)) return;
                any_active = true;
            }
        if (any_active) r.signing_keys.retire_active(settings_.algorithm, now);
        r.signing_keys.insert(made);
        record(r, {.type = audit_type::signing_key_rotated, .actor_id = operator_actor, .detail = "kid " + made.kid},
               now);
    });
}

std::string signing_keys::rotate(std::string_view actor) {
    const auto now = clock_.now();
    auto made = make_key(now);
    uow_.write([&](repositories& r) {
        r.signing_keys.retire_active(settings_.algorithm, now);
        r.signing_keys.insert(made);
        record(r, {.type = audit_type::signing_key_rotated, .actor_id = actor, .detail = "kid " + made.kid}, now);
    });
    return made.kid;
}

std::vector<signing_key_info> signing_keys::list() {
    const auto now = clock_.now();
    const auto all = read_tx(uow_, [](repositories& r) { return r.signing_keys.list(); });
    std::vector<signing_key_info> out;
    for (const auto& k : all)
        if (k.algorithm == settings_.algorithm)
            out.push_back({k.kid, k.algorithm, state_of(k, now), k.created_at, k.retired_at});
    return out;
}

std::vector<usable_signing_key> signing_keys::usable() {
    const auto now = clock_.now();
    const auto all = read_tx(uow_, [](repositories& r) { return r.signing_keys.list(); });
    std::vector<usable_signing_key> out;
    for (const auto& k : all) {
        if (k.algorithm != settings_.algorithm) continue;
        const auto state = state_of(k, now);
        if (state == signing_key_state::expired) continue;
        usable_signing_key u{k.kid, k.public_pem, {}};
        if (state == signing_key_state::active) u.private_pem = box_.open(k.sealed_private, k.kid).value_or("");
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace authd
