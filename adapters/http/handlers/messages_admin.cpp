// The admin API of the delivery queue: the messages that could not be delivered, and sending one again
// (docs/API.md "Delivery"). camelCase, as the rest of /api/admin.
#include <string>
#include <string_view>

#include "adapters/http/body.hpp"
#include "adapters/http/problems.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/json/json.hpp"

namespace authd::http {
namespace {
/// Enough of an address or number for an operator to tell messages apart, not enough to be the address:
/// "a***@example.com", "+2126***78".
std::string masked(std::string_view recipient) {
    if (const auto at = recipient.find('@'); at != std::string_view::npos)
        return std::string(recipient.substr(0, at > 0 ? 1 : 0)) + "***" + std::string(recipient.substr(at));
    if (recipient.size() <= 6) return "***";
    return std::string(recipient.substr(0, 5)) + "***" + std::string(recipient.substr(recipient.size() - 2));
}

response dead_messages(services& s, exchange&) {
    json::writer w;
    w.begin_object().key("messages").begin_array();
    for (const auto& q : s.messages.dead()) {
        w.begin_object()
            .field("id", q.id)
            .field("messageId", q.message_id)
            .field("channel", to_string(q.message.channel))
            .field("kind", to_string(q.message.kind))
            .field("recipient", masked(q.message.recipient))
            .field("attempts", q.attempts)
            .field("lastError", q.last_error.value_or(""))
            .field("createdAt", to_rfc3339(q.created_at))
            .field("expiresAt", to_rfc3339(q.expires_at))
            .end_object();
    }
    return json_response(200, std::move(w.end_array().end_object()).str());
}

response requeue_message(services& s, exchange& x) {
    const auto id = path_id(x.req, "id");
    auto done = id ? s.messages.requeue(*id)
                   : outcome(fail(errc::not_found, "No dead message with a valid code has this id."));
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response requeue_dead_messages(services& s, exchange&) {
    json::writer w;
    w.begin_object().field("requeued", s.messages.requeue_all()).end_object();
    return json_response(200, std::move(w).str());
}
}  // namespace

void add_message_admin_routes(router& r, services& s) {
    const access_rule admin{true, {"admin"}};
    r.add({.method = "GET", .path = "/api/admin/messages/dead", .access = admin, .handler = bind(s, dead_messages)});
    r.add({.method = "POST",
           .path = "/api/admin/messages/:id/requeue",
           .access = admin,
           .handler = bind(s, requeue_message)});
    r.add({.method = "POST",
           .path = "/api/admin/messages/requeue-dead",
           .access = admin,
           .handler = bind(s, requeue_dead_messages)});
}

}  // namespace authd::http
