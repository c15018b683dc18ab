// Events: admin writes, any signed-in reader, camelCase JSON (API.md "Events").
#include <algorithm>

#include "adapters/http/body.hpp"
#include "adapters/http/dto/event_json.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

/// A path id that is not a positive integer names no event: 404, like an unknown one.
std::optional<std::int64_t> event_id(const request& req) { return path_id(req, "eventId"); }

response not_found(const request& req) { return problem_from(req, fail(errc::not_found, "No such event.")); }

std::optional<time_point> read_time(const json::object_reader& body, std::string_view key, validator& v) {
    const auto text = body.string(key, v);
    if (!text) return std::nullopt;
    auto t = parse_rfc3339(*text);
    if (!t) v.add(std::string(key), "must be an RFC 3339 time such as 2027-05-01T20:00:00Z");
    return t;
}

event_fields read_fields(const json::object_reader& body, validator& v) {
    event_fields f;
    f.name = body.string("eventName", v);
    f.event_date = read_time(body, "eventDate", v);
    f.venue_name = body.string("venueName", v);
    f.total_seats = body.integer("totalSeats", v);
    f.available_seats = body.integer("availableSeats", v);
    f.status = body.string("status", v);
    f.sale_start_time = read_time(body, "saleStartTime", v);
    return f;
}

response event_response(int status, const event& e) {
    json::writer w;
    json::write_event(w, e);
    return json_response(status, std::move(w).str());
}

response create(services& s, exchange& x) {
    const auto fields = read_fields(*x.body, x.found);
    // Not answered yet: the core adds its own findings, and one 400 lists them all.
    auto e = s.events.create(fields, std::move(x.found));
    if (!e) return problem_from(x.req, e.error());
    auto res = event_response(201, e.value());
    res.set_header("Location", "/api/events/" + std::to_string(e->id));
    return res;
}

response update(services& s, exchange& x) {
    const auto id = event_id(x.req);
    if (!id) return not_found(x.req);
    const auto fields = read_fields(*x.body, x.found);
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto e = s.events.update(*id, fields);
    if (!e) return problem_from(x.req, e.error());
    return event_response(200, e.value());
}

response change_status(services& s, exchange& x) {
    const auto id = event_id(x.req);
    if (!id) return not_found(x.req);
    const auto status = x.required_string("status");
    if (!x.found.ok()) return problem_from(x.req, x.found.to_failure());
    auto e = s.events.change_status(*id, *status);
    if (!e) return problem_from(x.req, e.error());
    return event_response(200, e.value());
}

response get_one(services& s, exchange& x) {
    const auto id = event_id(x.req);
    if (!id) return not_found(x.req);
    auto e = s.events.find(*id);
    if (!e) return problem_from(x.req, e.error());
    return event_response(200, e.value());
}

response remove(services& s, exchange& x) {
    const auto id = event_id(x.req);
    if (!id) return not_found(x.req);
    auto done = s.events.remove(*id);
    if (!done) return problem_from(x.req, done.error());
    return no_content();
}

response list(services& s, exchange& x) {
    validator v;
    event_query q;
    // Out-of-range numbers are clamped here only to fit an int: the service refuses them by name.
    q.page = static_cast<int>(std::clamp<std::int64_t>(query_integer(x.req, "page", v).value_or(0), -1, max_page + 1));
    q.size = static_cast<int>(std::clamp<std::int64_t>(query_integer(x.req, "size", v).value_or(20), 0, 101));
    if (const auto status = query_value(x.req, "status")) {
        q.status = parse_event_status(*status);
        if (!q.status) v.add("status", "must be UPCOMING, ON_SALE, SOLD_OUT or CANCELLED");
    }
    for (const auto& [name, bound] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
        const auto text = query_value(x.req, name);
        if (!text) continue;
        *bound = parse_rfc3339(*text);
        if (!*bound) v.add(name, "must be an RFC 3339 time such as 2027-05-01T00:00:00Z");
    }
    if (!v.ok()) return problem_from(x.req, v.to_failure());
    auto page = s.events.list(q);
    if (!page) return problem_from(x.req, page.error());
    json::writer w;
    w.begin_object().key("events").begin_array();
    for (const auto& e : page->events) json::write_event(w, e);
    w.end_array()
        .key("page")
        .begin_object()
        .field("number", page->number)
        .field("size", page->size)
        .field("totalElements", static_cast<std::int64_t>(page->total_elements))
        .field("totalPages", static_cast<std::int64_t>(page->total_pages))
        .end_object();
    return json_response(200, std::move(w.end_object()).str());
}

}  // namespace

void add_event_routes(router& r, services& s) {
    const access_rule reader{true};
    const access_rule admin{true, {"admin"}};
    const auto json = body_kind::json_object;
    r.add({.method = "POST", .path = "/api/events", .access = admin, .body = json, .handler = bind(s, create)});
    r.add({.method = "GET", .path = "/api/events", .access = reader, .handler = bind(s, list)});
    r.add({.method = "GET", .path = "/api/events/:eventId", .access = reader, .handler = bind(s, get_one)});
    r.add({.method = "PUT", .path = "/api/events/:eventId", .access = admin, .body = json, .handler = bind(s, update)});
    r.add({.method = "PUT",
           .path = "/api/events/:eventId/status",
           .access = admin,
           .body = json,
           .handler = bind(s, change_status)});
    r.add({.method = "DELETE", .path = "/api/events/:eventId", .access = admin, .handler = bind(s, remove)});
}

}  // namespace authd::http
