#include "core/agents/agent_service.hpp"

#include "core/agents/phone.hpp"
#include "core/audit/audit_trail.hpp"
#include "core/common/random_values.hpp"
#include "core/common/validation.hpp"

namespace authd {

agent_service::agent_service(unit_of_work& uow, random_source& rng, const clock& clk, seconds reauth_window,
                             bool phone_proof)
    : uow_(uow), rng_(rng), clock_(clk), reauth_window_(reauth_window), phone_proof_(phone_proof) {}

result<agent> agent_service::register_agent(const agent_registration& r, validator found) {
    validator v = std::move(found);
    std::optional<phone_number> phone;
    const bool known_country = is_supported_country(r.country_code);
    if (!known_country) v.add("country_code", "must be +212 (Morocco) or +33 (France)");
    // The number's shape is checked even under a bad country code, so that one 400 lists both.
    phone = parse_phone_any(r.phone_number, known_country ? std::string_view(r.country_code) : "+33");
    if (!phone)
        v.add("phone_number", "must be 9 national digits (a leading 0 is allowed) of a Moroccan or French number");
    if (auto e = check_text(r.first_name, 100)) v.add("first_name", *e);
    if (auto e = check_text(r.last_name, 100)) v.add("last_name", *e);
    const std::string email = ascii_lower(r.email);
    if (auto e = check_email(email)) v.add("email", *e);
    if (!v.ok()) return v.to_failure();

    return write_tx(uow_, [&](repositories& repos) -> result<agent> {
        if (repos.agents.find_by_phone(phone->e164()))
            return fail(errc::phone_taken, "This phone number is already registered.");
        if (repos.agents.find_by_email(email)) return fail(errc::email_taken, "This e-mail is already registered.");
        const auto now = clock_.now();
        agent a;
        a.id = uuid_v4(rng_);
        a.phone_number = phone->e164();
        a.country_code = phone->country_code;
        a.first_name = r.first_name;
        a.last_name = r.last_name;
        a.email = email;
        a.status = phone_proof_ ? agent_status::pending : agent_status::active;
        a.created_at = a.updated_at = now;
        // A million numbers: draw again on the rare collision (the unique index is the last word).
        do a.license_number = random_digits(rng_, 6);
        while (repos.agents.find_by_license(a.license_number));
        if (!repos.agents.insert(a)) return fail(errc::phone_taken, "This phone number is already registered.");
        record(repos, {.type = audit_type::agent_registered, .principal_id = a.id}, a.created_at);
        return a;
    });
}

result<agent> agent_service::current_agent(const principal& who) {
    auto a = find(who.id);
    if (!a) return account_gone();
    return a;
}

result<agent> agent_service::find(std::string_view id) {
    auto a = read_tx(uow_, [&](repositories& repos) { return repos.agents.find_by_id(id); });
    if (!a) return fail(errc::not_found, "No such agent.");
    return std::move(*a);
}

result<agent> agent_service::update_profile(const principal& who, agent_changes changes, validator found) {
    validator v = std::move(found);
    if (changes.first_name)
        if (auto e = check_text(*changes.first_name, 100)) v.add("first_name", *e);
    if (changes.last_name)
        if (auto e = check_text(*changes.last_name, 100)) v.add("last_name", *e);
    if (changes.email) {
        changes.email = ascii_lower(*changes.email);
        if (auto e = check_email(*changes.email)) v.add("email", *e);
    }
    if (!v.ok()) return v.to_failure();
    return write_tx(uow_, [&](repositories& repos) -> result<agent> {
        auto a = repos.agents.find_by_id(who.id);
        if (!a) return fail(errc::not_found, "No such agent.");
        if (changes.email && *changes.email != a->email) {
            if (!signed_in_recently(who, clock_.now(), reauth_window_)) return reauthentication_required();
            if (repos.agents.find_by_email(*changes.email))
                return fail(errc::email_taken, "This e-mail is already registered.");
            a->email = *changes.email;
            record(repos, {.type = audit_type::email_changed, .principal_id = a->id}, clock_.now());
        }
        if (changes.first_name) a->first_name = *changes.first_name;
        if (changes.last_name) a->last_name = *changes.last_name;
        a->updated_at = clock_.now();
        // The look-up above is not the last word: a concurrent claim of the same e-mail loses here.
        if (!repos.agents.update(*a)) return fail(errc::email_taken, "This e-mail is already registered.");
        return std::move(*a);
    });
}

}  // namespace authd
