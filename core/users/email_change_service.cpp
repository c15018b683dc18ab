#include "core/users/email_change_service.hpp"

#include <utility>

#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/users/failed_logins.hpp"

namespace authd {
namespace {
failure invalid_change_token() {
    return fail(errc::invalid_token, "This e-mail change link is wrong, used or expired.");
}

failure address_taken() { return fail(errc::email_taken, "Another account has this e-mail address."); }
}  // namespace

email_change_service::email_change_service(unit_of_work& uow, password_hasher& hasher, notifier& notify,
                                           secret_digest& digest, random_source& rng, const clock& clk,
                                           lockout_policy login_lockout, email_change_settings settings)
    : uow_(uow),
      hasher_(hasher),
      notify_(notify),
      digest_(digest),
      rng_(rng),
      clock_(clk),
      lockout_(login_lockout),
      settings_(settings) {}

outcome email_change_service::request(const principal& who, std::string_view new_email_view, std::string_view password,
                                      validator found) {
    const std::string new_email = ascii_lower(new_email_view);
    if (auto e = check_email(new_email)) found.add("newEmail", *e);
    if (password.empty()) found.add("password", "is required");
    if (!found.ok()) return found.to_failure();
    auto guess = check_password_guess(uow_, hasher_, who.id, password);
    if (!guess) return guess.error();
    // Made before the transaction whether or not it is used: the answers take the same steps.
    const auto token = random_token(rng_, 32);
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        const auto now = clock_.now();
        auto u = repos.users.lock_by_id(who.id);
        if (!u) return account_gone();
        if (auto refused =
                judge_audited_guess(repos, *u, guess->matches, now, lockout_, audit_type::email_change_requested))
            return *refused;
        if (u->email == new_email) {
            validator v;
            v.add("newEmail", "is already this account's address");
            return v.to_failure();
        }
        record(repos, {.type = audit_type::email_change_requested, .principal_id = u->id}, now);
        repos.email_changes.end_all(u->id, now);
        const auto name = u->first_name.value_or(u->name);
        notify_.queue(repos,
                      outgoing_message{channel::email, message_kind::email_change_notice, u->email, name, "",
                                       std::chrono::hours{24}, u->id},
                      now);
        if (repos.users.find_by_email(new_email)) return success();  // taken: no link, and the same answer
        repos.email_changes.insert(
            emailed_token{digest_.sha256_hex(token), u->id, now, now + settings_.link_ttl, std::nullopt, new_email});
        notify_.queue(repos,
                      outgoing_message{channel::email, message_kind::email_change, new_email, name, token,
                                       settings_.link_ttl, u->id},
                      now);
        return success();
    });
}

result<user> email_change_service::confirm(std::string_view token) {
    if (token.empty()) {
        validator v;
        v.add("token", "is required");
        return v.to_failure();
    }
    const auto digest = digest_.sha256_hex(token);
    const auto stored = read_tx(uow_, [&](repositories& repos) { return repos.email_changes.find(digest); });
    if (!stored) return invalid_change_token();
    return write_tx(uow_, [&](repositories& repos) -> result<user> {
        const auto now = clock_.now();
        // The account's row first: two uses of one link queue here, and the second finds it used.
        auto u = repos.users.lock_by_id(stored->user_id);
        const auto t = repos.email_changes.find(digest);
        if (!u || !t || t->used_at || now >= t->expires_at) return invalid_change_token();
        if (!u->is_active) return account_disabled();
        if (const auto other = repos.users.find_by_email(t->new_email); other && other->id != u->id)
            return address_taken();
        u->email = t->new_email;
        u->email_verified = true;  // the link reached this mailbox
        u->updated_at = now;
        // The look-up above is not the last word: an account taking the address meanwhile wins at the unique index.
        if (!repos.users.update(*u)) return address_taken();
        repos.email_changes.end_all(u->id, now);
        repos.password_resets.end_all(u->id, now);  // they went to the old address, which may be why it moved
        if (u->is_client) repos.outbox.add_client_change("client.email_changed", *u, now);
        record(repos, {.type = audit_type::email_changed, .principal_id = u->id}, now);
        return std::move(*u);
    });
}

}  // namespace authd
