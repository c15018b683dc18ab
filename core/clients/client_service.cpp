#include "core/clients/client_service.hpp"

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"
#include "core/users/new_account.hpp"

namespace authd {
namespace {
/// E.164: "+", then 8 to 15 digits, the first not 0.
bool is_e164(std::string_view s) {
    if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
    return is_digits(s.substr(1));
}

failure no_such_client() { return fail(errc::not_found, "No such client."); }
}  // namespace

client_service::client_service(unit_of_work& uow, password_hasher& hasher, password_screen& screen, notifier& notify,
                               secret_digest& digest, random_source& rng, const clock& clk, client_settings s)
    : uow_(uow),
      hasher_(hasher),
      screen_(screen),
      notify_(notify),
      digest_(digest),
      rng_(rng),
      clock_(clk),
      settings_(s) {}

void client_service::new_verification(repositories& repos, const user& u, time_point now) {
    const auto token = random_token(rng_, 32);
    repos.verifications.end_all(u.id, now);
    repos.verifications.insert(
        emailed_token{digest_.sha256_hex(token), u.id, now, now + settings_.verification_ttl, std::nullopt});
    notify_.queue(repos,
                  outgoing_message{channel::email, message_kind::email_verification, u.email,
                                   u.first_name.value_or(u.name), token, settings_.verification_ttl, u.id},
                  now);
}

result<user> client_service::register_client(client_registration r, validator found) {
    validator v = std::move(found);
    check_account_fields(r.email, r.password, {r.first_name, r.last_name}, screen_, v);
    if (auto e = check_text(r.first_name, 100)) v.add("first_name", *e);
    if (auto e = check_text(r.last_name, 100)) v.add("last_name", *e);
    if (r.phone_number && !is_e164(*r.phone_number))
        v.add("phone_number", "must be an E.164 number, such as +33612345678");
    if (!v.ok()) return v.to_failure();

    const auto now = clock_.now();
    user u = new_account(std::move(r.email), r.password, hasher_, rng_, now);
    u.name = r.first_name + " " + r.last_name;
    u.first_name = r.first_name;
    u.last_name = r.last_name;
    u.phone_number = r.phone_number;
    u.is_client = true;

    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        if (auto taken = insert_account(repos, u)) return *taken;
        new_verification(repos, u, now);
        repos.outbox.add_client_change("client.registered", u, now);
        record(repos, {.type = audit_type::account_registered, .principal_id = u.id, .detail = "client"}, now);
        return u;
    });
}

result<user> client_service::verify_email(std::string_view id, std::string_view token) {
    if (!is_uuid(id)) return no_such_client();
    const auto digest = digest_.sha256_hex(token);
    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        auto u = repos.users.lock_by_id(id);
        if (!u) return no_such_client();
        const auto now = clock_.now();
        const auto v = repos.verifications.find(digest);
        if (!v || v->user_id != u->id || v->used_at || now >= v->expires_at)
            return fail(errc::invalid_token, "This verification token is wrong, used or expired.");
        repos.verifications.end_all(u->id, now);
        u->email_verified = true;
        u->updated_at = now;
        repos.users.update(*u);
        if (u->is_client) repos.outbox.add_client_change("client.email_verified", *u, now);
        return std::move(*u);
    });
}

outcome client_service::resend_verification(std::string_view id) {
    if (!is_uuid(id)) return no_such_client();
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        // Locked: two resends at once see each other's token and cannot both pass the cooldown.
        auto u = repos.users.lock_by_id(id);
        // A password user of /api/auth is no client: it gets no mail, and its answer is that of an unknown id.
        if (!u || !u->is_client) return no_such_client();
        if (u->email_verified) return fail(errc::already_verified, "This e-mail address is already verified.");
        const auto now = clock_.now();
        if (const auto last = repos.verifications.latest(u->id)) {
            const auto ready = last->created_at + settings_.resend_cooldown;
            if (now < ready) {
                failure f = fail(errc::resend_too_soon, "A verification e-mail was sent a moment ago; wait a minute.");
                f.retry_after = ready - now;
                return f;
            }
        }
        new_verification(repos, *u, now);
        return success();
    });
}

result<user> client_service::find(std::string_view id, const principal& caller) {
    if (caller.id != id && !caller.has_role("admin"))
        return fail(errc::forbidden, "You may read only your own account.");
    if (!is_uuid(id)) return no_such_client();
    auto u = read_tx(uow_, [&](repositories& repos) { return repos.users.find_by_id(id); });
    if (!u) return no_such_client();
    return std::move(*u);
}

}  // namespace authd
