// Agents: phone-number registration and OTP login, snake_case JSON (API.md "Agents").
#include "adapters/http/agent_json.hpp"
#include "adapters/http/body.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response agent_response(int status, const agent& a) {
    json::writer w;
    write_agent(w, a);
    return json_response(status, std::move(w).str());
}

response register_agent(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    agent_registration r;
    r.phone_number = body->required_string("phone_number", v).value_or("");
    r.country_code = body->required_string("country_code", v).value_or("");
    r.first_name = body->required_string("first_name", v).value_or("");
    r.last_name = body->required_string("last_name", v).value_or("");
    r.email = body->required_string("email", v).value_or("");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.agents.register_agent(r, std::move(v));
    if (!created) return problem_from(req, created.error());
    return agent_response(201, created.value());
}

response request_otp(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto phone = body->required_string("phone_number", v);
    const auto country = body->string("country_code", v);
    const auto method = body->string("delivery_method", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto sent = s.otp.request(*phone, country.value_or(""), method.value_or(""));
    if (!sent) return problem_from(req, sent.error());
    json::writer w;
    w.begin_object()
        .field("message", "If this number is registered, a code is on its way.")
        .field("delivery_method", sent->method == delivery_method::sms ? "sms" : "email")
        .field("expires_in", static_cast<std::int64_t>(sent->expires_in.count()));
    if (sent->debug_code) w.field("debug_code", *sent->debug_code);
    return json_response(202, std::move(w.end_object()).str());
}

response verify_otp(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto phone = body->required_string("phone_number", v);
    const auto country = body->string("country_code", v);
    const auto code = body->required_string("code", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto done = s.otp.verify(*phone, country.value_or(""), *code, client_of(req));
    if (!done) return problem_from(req, done.error());
    json::writer w;
    w.begin_object();
    write_pair(w, done->tokens);
    w.key("agent");
    write_agent(w, done->account);
    return json_response(200, std::move(w.end_object()).str());
}

response refresh(services& s, request& req) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    const auto token = body->required_string("refresh_token", v);
    if (!v.ok()) return problem_from(req, v.to_failure());
    auto pair = s.tokens.refresh(*token);
    if (!pair) return problem_from(req, pair.error());
    json::writer w;
    w.begin_object();
    write_pair(w, pair.value());
    return json_response(200, std::move(w.end_object()).str());
}

response me(services& s, request& req, const principal& who) {
    auto a = s.agents.current_agent(who);
    if (!a) return problem_from(req, a.error());
    return agent_response(200, a.value());
}

response update_me(services& s, request& req, const principal& who) {
    response bad;
    auto body = read_object(req, bad);
    if (!body) return bad;
    validator v;
    agent_changes changes{body->string("first_name", v), body->string("last_name", v), body->string("email", v)};
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto a = s.agents.update_profile(who.id, std::move(changes), std::move(v));
    if (!a) return problem_from(req, a.error());
    return agent_response(200, a.value());
}

}  // namespace

void add_agent_routes(router& r, services& s) {
    const access_rule agent_only{true, {}, principal_type::agent};
    auto plain = [&s](response (*fn)(services&, request&)) {
        return [&s, fn](request& q, const principal*) { return fn(s, q); };
    };
    const auto credential = rate_class::credential;
    r.add({"POST", "/api/v1/auth/register", plain(register_agent), {}, pool_kind::normal, true, credential});
    r.add({"POST", "/api/v1/auth/request-otp", plain(request_otp), {}, pool_kind::normal, true, credential});
    r.add({"POST", "/api/v1/auth/verify-otp", plain(verify_otp), {}, pool_kind::normal, true, credential});
    r.add({"POST", "/api/v1/auth/refresh", plain(refresh), {}, pool_kind::normal, true, credential});
    // The clients specification's name for the same exchange.
    r.add({"POST", "/api/v1/auth/refresh_token", plain(refresh), {}, pool_kind::normal, true, credential});
    r.add({"POST", "/api/v1/auth/logout",
           [&s](request&, const principal* who) {
               (void)s.tokens.logout(*who);
               return no_content();
           },
           {true}});
    r.add({"GET", "/api/v1/agents/me", [&s](request& q, const principal* who) { return me(s, q, *who); }, agent_only});
    r.add({"PATCH", "/api/v1/agents/me", [&s](request& q, const principal* who) { return update_me(s, q, *who); },
           agent_only, pool_kind::normal, true});
}

void add_dev_routes(router& r, services& s) {
    r.add({"GET", "/api/v1/dev/messages", [&s](request&, const principal*) {
               json::writer w;
               w.begin_object().key("messages").begin_array();
               for (const auto& m : s.recent_messages())
                   w.begin_object()
                       .field("channel", m.channel == channel::sms ? "sms" : "email")
                       .field("to", m.recipient)
                       .field("subject", m.subject)
                       .field("body", m.body)
                       .field("sent_at", to_rfc3339(m.sent_at))
                       .end_object();
               return json_response(200, std::move(w.end_array().end_object()).str());
           }});
}

}  // namespace authd::http
