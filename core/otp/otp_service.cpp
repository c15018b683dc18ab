#include "core/otp/otp_service.hpp"

#include <algorithm>

#include "core/agents/phone.hpp"
#include "core/audit/audit_trail.hpp"
#include "core/common/encoding.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"

namespace authd {
namespace {
failure locked(seconds left) {
    return failure{errc::otp_locked, "Too many wrong codes: this number is locked for a while.", {}, left};
}

std::optional<phone_number> read_phone(std::string_view phone, std::string_view country_code, validator& v) {
    auto parsed = parse_phone_any(phone, country_code);
    if (!parsed) v.add("phone_number", "must be a Moroccan (+212) or French (+33) number");
    return parsed;
}
}  // namespace

otp_service::otp_service(unit_of_work& uow, notifier& notify, secret_digest& digest, random_source& rng,
                         const clock& clk, token_service& tokens, otp_settings settings)
    : uow_(uow), notify_(notify), digest_(digest), rng_(rng), clock_(clk), tokens_(tokens), settings_(settings) {}

std::string otp_service::digest_of(const std::string& e164, std::string_view code) {
    // Keyed, and bound to the number: a leaked table gives no code away.
    return digest_.keyed_hex(e164 + ":" + std::string(code));
}

result<otp_sent> otp_service::request(std::string_view phone_text, std::string_view country_code,
                                      std::string_view method_text) {
    validator v;
    const auto phone = read_phone(phone_text, country_code, v);
    const auto parsed = method_text.empty() ? delivery_method::sms : parse_delivery_method(method_text);
    if (!parsed) v.add("delivery_method", "must be sms or email");
    const delivery_method method = parsed.value_or(delivery_method::sms);
    if (!v.ok()) return v.to_failure();
    const std::string e164 = phone->e164();
    const std::string code = random_digits(rng_, 6);

    auto issued = write_tx(uow_, [&](repositories& repos) -> result<std::optional<agent>> {
        const auto now = clock_.now();
        // The number's lockout row, locked: concurrent requests for one number take turns, so that the resend
        // check below sees the code of the one before and exactly one of them sends (on every backend).
        if (auto left = lock_remaining(repos.otps.lock_lockout(e164), now)) return locked(*left);
        if (const auto last = repos.otps.latest(e164); last && now - last->created_at < settings_.resend_after)
            return failure{errc::otp_resend_too_soon,
                           "A code was sent less than a minute ago.",
                           {},
                           settings_.resend_after - (now - last->created_at)};
        // Unknown numbers get a code row too (sent to nobody), so that resend
        // limits and lockouts answer exactly as for a registered number.
        repos.otps.void_open(e164, now);
        repos.otps.insert(otp_code{uuid_v4(rng_), e164, digest_of(e164, code), method, now, now + settings_.ttl, {}});
        auto a = repos.agents.find_by_phone(e164);
        // A number nobody proved yet gets no code by e-mail: else whoever registered someone else's number with
        // their own address would receive its codes. The answer stays the same.
        if (a && a->status == agent_status::pending && method != delivery_method::sms) a.reset();
        if (a)
            notify_.queue(repos,
                          outgoing_message{method == delivery_method::sms ? channel::sms : channel::email,
                                           message_kind::otp_code,
                                           method == delivery_method::sms ? a->phone_number : a->email, a->first_name,
                                           code, settings_.ttl, a->id},
                          now);
        return a;
    });
    if (!issued) return std::move(issued).error();

    otp_sent sent{method, settings_.ttl, std::nullopt};
    if (issued.value() && settings_.reveal_codes) sent.debug_code = code;
    return sent;
}

result<agent_login> otp_service::verify(std::string_view phone_text, std::string_view country_code,
                                        std::string_view code, const client_info& from) {
    validator v;
    const auto phone = read_phone(phone_text, country_code, v);
    if (code.size() != 6 || !is_digits(code)) v.add("code", "must be 6 digits");
    if (!v.ok()) return v.to_failure();
    const std::string e164 = phone->e164();
    // A code stored by an older version may carry an older key's digest.
    const auto presented = digest_.keyed_hex_candidates(e164 + ":" + std::string(code));

    return write_tx(uow_, [&](repositories& repos) -> result<agent_login> {
        const auto now = clock_.now();
        // The number's row is locked first: concurrent wrong codes queue here and are all counted.
        auto state = repos.otps.lock_lockout(e164);
        if (auto left = lock_remaining(state, now)) return locked(*left);
        const auto current = repos.otps.latest(e164);
        const bool matches = current && std::any_of(presented.begin(), presented.end(), [&](const std::string& d) {
                                 return constant_time_equal(current->code_digest, d);
                             });
        // Presenting the right code again (a double submit, a lost race) proves knowledge of it:
        // refuse it without counting a failure, so that it cannot lock the number.
        if (matches && current->consumed_at)
            return failure{
                errc::invalid_otp, "This code was already used.", {}, {}, attempts_remaining(state, settings_.lockout)};
        if (matches && current->expires_at <= now)
            return fail(errc::otp_expired, "This code has expired; ask for a new one.");
        if (!matches) {
            const bool now_locked = record_failure(state, now, settings_.lockout);
            repos.otps.save_lockout(e164, state, now);
            // The trail names the agent of the number when there is one; never the number itself.
            const auto owner = repos.agents.find_by_phone(e164);
            const std::string owner_id = owner ? owner->id : std::string();
            record(repos,
                   {.type = audit_type::sign_in,
                    .outcome = audit_outcome::failure,
                    .principal_id = owner_id,
                    .detail = "wrong otp code"},
                   now);
            if (now_locked) {
                repos.otps.void_open(e164, now);
                record(repos, {.type = audit_type::account_locked, .principal_id = owner_id, .detail = "otp"}, now);
                return locked(settings_.lockout.lock_for);
            }
            failure f = fail(errc::invalid_otp, "Wrong code.");
            f.attempts_remaining = attempts_remaining(state, settings_.lockout);
            return f;
        }
        // Single use: of concurrent verifications of the right code, the row count picks one winner.
        if (!repos.otps.consume(current->id, now))
            return failure{
                errc::invalid_otp, "This code was already used.", {}, {}, attempts_remaining(state, settings_.lockout)};
        record_success(state);
        repos.otps.save_lockout(e164, state, now);
        auto a = repos.agents.find_by_phone(e164);
        // Locked, and its status read again under the lock: a suspension committing meanwhile either comes first
        // (and this login is refused) or waits for this one (and revokes the session it opens).
        if (a) a = repos.agents.lock_by_id(a->id);
        if (!a) return fail(errc::invalid_otp, "Wrong code.");
        if (a->status == agent_status::pending && current->method == delivery_method::sms) {
            // The code reached the phone: the number is proven.
            a->status = agent_status::active;
            a->updated_at = now;
            repos.agents.update(*a);
            record(repos,
                   {.type = audit_type::agent_status_changed, .principal_id = a->id, .detail = "active: phone proven"},
                   now);
        }
        if (!a->active()) {
            record(repos,
                   {.type = audit_type::sign_in,
                    .outcome = audit_outcome::failure,
                    .principal_id = a->id,
                    .detail = "account suspended"},
                   now);
            return fail(errc::account_disabled, "This account is suspended.");
        }
        record(repos, {.type = audit_type::sign_in, .principal_id = a->id, .detail = "otp"}, now);
        auto pair = tokens_.start_session(repos, a->id, principal_type::agent, {"agent"}, from);
        return agent_login{std::move(*a), std::move(pair)};
    });
}

}  // namespace authd
