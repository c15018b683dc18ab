// Agents: phone-number registration and OTP login, snake_case JSON (API.md "Agents").
#include "adapters/http/body.hpp"
#include "adapters/http/dto/agent_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

response agent_response(int status, const agent& a) {
    json::writer w;
    write_agent(w, a);
    return json_response(status, std::move(w).str());
}

response register_agent(services& s, exchange& x) {
    agent_registration r;
    r.phone_number = x.required_string("phone_number").value_or("");
    r.country_code = x.required_string("country_code").value_or("");
    r.first_name = x.required_string("first_name").value_or("");
    r.last_name = x.required_string("last_name").value_or("");
    r.email = x.required_string("email").value_or("");
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto created = s.agents.register_agent(r, std::move(x.found));
    if (!created) return problem_from(x.req, created.error());
    auto res = agent_response(201, created.value());
    res.set_header("Location", "/api/v1/agents/me");  // where the agent reads itself, once signed in
    return res;
}

response request_otp(services& s, exchange& x) {
    const auto phone = x.required_string("phone_number");
    const auto country = x.string("country_code");
    const auto method = x.string("delivery_method");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto sent = s.otp.request(*phone, country.value_or(""), method.value_or(""));
    if (!sent) return problem_from(x.req, sent.error());
    json::writer w;
    w.begin_object()
        .field("message", "If this number is registered, a code is on its way.")
        .field("delivery_method", sent->method == delivery_method::sms ? "sms" : "email")
        .field("expires_in", static_cast<std::int64_t>(sent->expires_in.count()));
    if (sent->debug_code) w.field("debug_code", *sent->debug_code);
    return json_response(202, std::move(w.end_object()).str());
}

response verify_otp(services& s, exchange& x) {
    const auto phone = x.required_string("phone_number");
    const auto country = x.string("country_code");
    const auto code = x.required_string("code");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto done = s.otp.verify(*phone, country.value_or(""), *code, client_of(x.req));
    if (!done) return problem_from(x.req, done.error());
    json::writer w;
    w.begin_object();
    write_pair(w, done->tokens);
    w.key("agent");
    write_agent(w, done->account);
    return json_response(200, std::move(w.end_object()).str());
}

response refresh(services& s, exchange& x) {
    const auto token = x.required_string("refresh_token");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto pair = s.tokens.refresh(*token);
    if (!pair) return problem_from(x.req, pair.error());
    json::writer w;
    w.begin_object();
    write_pair(w, pair.value());
    return json_response(200, std::move(w.end_object()).str());
}

response me(services& s, exchange& x) {
    auto a = s.agents.current_agent(x.who());
    if (!a) return problem_from(x.req, a.error());
    return agent_response(200, a.value());
}

response update_me(services& s, exchange& x) {
    agent_changes changes{x.string("first_name"), x.string("last_name"), x.string("email")};
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto a = s.agents.update_profile(x.who(), std::move(changes), std::move(x.found));
    if (!a) return problem_from(x.req, a.error());
    return agent_response(200, a.value());
}

/// Development mode's outbox of the mock notifier: every code and link it "sent".
response dev_messages(services& s, exchange&) {
    json::writer w;
    w.begin_object().key("messages").begin_array();
    for (const auto& m : s.recent_messages())
        w.begin_object()
            .field("channel", to_string(m.via))
            .field("to", m.to)
            .field("subject", m.subject)
            .field("body", m.body)
            .field("sent_at", to_rfc3339(m.sent_at))
            .end_object();
    return json_response(200, std::move(w.end_array().end_object()).str());
}

}  // namespace

void add_agent_routes(router& r, services& s) {
    const access_rule agent_only{true, {}, principal_type::agent};
    const auto json = body_kind::json_object;
    const auto credential = rate_class::credential;
    r.add({.method = "POST",
           .path = "/api/v1/auth/register",
           .body = json,
           .limits = credential,
           .handler = bind(s, register_agent)});
    r.add({.method = "POST",
           .path = "/api/v1/auth/request-otp",
           .body = json,
           .limits = credential,
           .metric = "otp_request",
           .handler = bind(s, request_otp)});
    r.add({.method = "POST",
           .path = "/api/v1/auth/verify-otp",
           .body = json,
           .limits = credential,
           .metric = "otp_verify",
           .handler = bind(s, verify_otp)});
    r.add({.method = "POST",
           .path = "/api/v1/auth/refresh",
           .body = json,
           .limits = credential,
           .metric = "refresh",
           .handler = bind(s, refresh)});
    // The clients specification's name for the same exchange.
    r.add({.method = "POST",
           .path = "/api/v1/auth/refresh_token",
           .body = json,
           .limits = credential,
           .metric = "refresh",
           .handler = bind(s, refresh)});
    r.add({.method = "GET", .path = "/api/v1/agents/me", .access = agent_only, .handler = bind(s, me)});
    r.add({.method = "PATCH",
           .path = "/api/v1/agents/me",
           .access = agent_only,
           .body = json,
           .handler = bind(s, update_me)});
}

void add_dev_routes(router& r, services& s) {
    r.add({.method = "GET", .path = "/api/v1/dev/messages", .handler = bind(s, dev_messages)});
}

}  // namespace authd::http
