// /api/events over real sockets: every route and failure code of API.md "Events",
// and the outbox row that every write leaves (and every failed write does not).
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
// The fake clock starts at 2026-11-22T00:00:00Z.
const std::string jazz = R"({"eventName":"Jazz Night","eventDate":"2027-06-01T20:00:00Z","venueName":"Blue Hall",)"
                         R"("totalSeats":100,"saleStartTime":"2026-11-21T00:00:00Z"})";

struct events_app {
    running_app app;
    api c = app.client();
    std::string admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    std::string customer = sign_in_with_roles(c, app, "customer@example.com", {"customer"});

    http_reply send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token) {
        return c.call(method, target, body, api::bearer(token));
    }
    std::size_t outbox_rows() {
        std::size_t n = 0;
        app.app->store().write([&](repositories& r) { n = r.outbox.next_unprocessed(1000).size(); });
        return n;
    }
};

bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("an admin creates an event: 201 with every field of the specification and one outbox row", "[http][events]") {
    events_app t;
    auto r = t.send("POST", "/api/events", jazz, t.admin);
    REQUIRE(r.status == 201);
    CHECK(r.header("Location") == "/api/events/1");
    CHECK(has(r.body,
              R"("eventId":1,"eventName":"Jazz Night","eventDate":"2027-06-01T20:00:00Z","venueName":"Blue Hall",)"
              R"("totalSeats":100,"availableSeats":100,"status":"UPCOMING","saleStartTime":"2026-11-21T00:00:00Z",)"
              R"("createdAt":"2026-11-22T00:00:00Z","updatedAt":"2026-11-22T00:00:00Z")"));
    CHECK(t.outbox_rows() == 1);
}

TEST_CASE("writes need the admin role: 401 without a token, 403 for a customer, and no outbox row", "[http][events]") {
    events_app t;
    CHECK(t.send("POST", "/api/events", jazz, "").status == 401);
    auto forbidden = t.send("POST", "/api/events", jazz, t.customer);
    CHECK(forbidden.status == 403);
    CHECK(json_string(forbidden.body, "code") == "forbidden");
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    CHECK(t.send("PUT", "/api/events/1", R"({"eventName":"x"})", t.customer).status == 403);
    CHECK(t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", t.customer).status == 403);
    CHECK(t.send("DELETE", "/api/events/1", "", t.customer).status == 403);
    CHECK(t.outbox_rows() == 1);
}

TEST_CASE("any signed-in principal reads events, nobody unsigned does", "[http][events]") {
    events_app t;
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    CHECK(t.send("GET", "/api/events/1", "", t.customer).status == 200);
    CHECK(t.send("GET", "/api/events", "", t.customer).status == 200);
    CHECK(t.send("GET", "/api/events/1", "", "").status == 401);
    CHECK(t.send("GET", "/api/events", "", "").status == 401);
}

TEST_CASE("a bad event is 400 naming every field, and leaves no outbox row", "[http][events]") {
    events_app t;
    auto r = t.send(
        "POST", "/api/events",
        R"({"eventName":"","eventDate":"2020-01-01T00:00:00Z","venueName":"V","totalSeats":0,"saleStartTime":"tomorrow"})",
        t.admin);
    REQUIRE(r.status == 400);
    CHECK(has(r.body, R"("field":"saleStartTime")"));
    auto rules = t.send(
        "POST", "/api/events",
        R"({"eventName":"","eventDate":"2020-01-01T00:00:00Z","venueName":"V","totalSeats":0,"saleStartTime":"2019-01-01T00:00:00Z"})",
        t.admin);
    REQUIRE(rules.status == 400);
    for (const auto* field : {"eventName", "eventDate", "totalSeats"})
        CHECK(has(rules.body, std::string(R"("field":")") + field));
    CHECK(t.send("POST", "/api/events", R"({"totalSeats":"many"})", t.admin).status == 400);
    CHECK(t.send("POST", "/api/events", "{", t.admin).status == 400);
    CHECK(t.outbox_rows() == 0);
}

TEST_CASE("status changes follow the state machine: 409 invalid_transition otherwise", "[http][events]") {
    events_app t;
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    auto on_sale = t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", t.admin);
    REQUIRE(on_sale.status == 200);
    CHECK(json_string(on_sale.body, "status") == "ON_SALE");
    auto back = t.send("PUT", "/api/events/1/status", R"({"status":"UPCOMING"})", t.admin);
    CHECK(back.status == 409);
    CHECK(json_string(back.body, "code") == "invalid_transition");
    CHECK(t.send("PUT", "/api/events/1", R"({"status":"UPCOMING"})", t.admin).status == 409);
    CHECK(t.send("PUT", "/api/events/1/status", R"({"status":"CANCELLED"})", t.admin).status == 200);
    CHECK(t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", t.admin).status == 409);
    CHECK(t.send("PUT", "/api/events/1/status", R"({"status":"OPEN"})", t.admin).status == 400);
    CHECK(t.send("PUT", "/api/events/1/status", R"({})", t.admin).status == 400);
    CHECK(t.outbox_rows() == 3);  // created, on sale, cancelled
}

TEST_CASE("ON_SALE before saleStartTime is 409 sale_not_started, then allowed when the clock gets there",
          "[http][events]") {
    events_app t;
    auto r = t.send(
        "POST", "/api/events",
        R"({"eventName":"Later","eventDate":"2027-06-01T20:00:00Z","venueName":"V","totalSeats":5,"saleStartTime":"2026-11-22T10:00:00Z"})",
        t.admin);
    REQUIRE(r.status == 201);
    auto early = t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", t.admin);
    CHECK(early.status == 409);
    CHECK(json_string(early.body, "code") == "sale_not_started");
    CHECK(t.send("PUT", "/api/events/1", R"({"status":"ON_SALE"})", t.admin).status == 409);
    t.app.clock.advance(10h);  // the admin's 15-minute token is long gone: sign in again
    auto login = t.c.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    const auto admin = json_string(login.body, "accessToken");
    CHECK(t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", admin).status == 200);
    // On sale, its sale start cannot move past now: the rule holds however the event got there.
    auto moved = t.send("PUT", "/api/events/1", R"({"saleStartTime":"2026-12-01T00:00:00Z"})", admin);
    CHECK(moved.status == 409);
    CHECK(json_string(moved.body, "code") == "sale_not_started");
    CHECK(has(t.send("GET", "/api/events/1", "", admin).body, R"("saleStartTime":"2026-11-22T10:00:00Z")"));
}

TEST_CASE("a partial update keeps seats in bounds and sells out at 0", "[http][events]") {
    events_app t;
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    auto renamed = t.send("PUT", "/api/events/1", R"({"eventName":"Jazz Night II"})", t.admin);
    REQUIRE(renamed.status == 200);
    CHECK(json_string(renamed.body, "eventName") == "Jazz Night II");
    CHECK(json_string(renamed.body, "venueName") == "Blue Hall");
    CHECK(t.send("PUT", "/api/events/1", R"({"availableSeats":101})", t.admin).status == 400);
    REQUIRE(t.send("PUT", "/api/events/1/status", R"({"status":"ON_SALE"})", t.admin).status == 200);
    auto sold = t.send("PUT", "/api/events/1", R"({"availableSeats":0})", t.admin);
    CHECK(json_string(sold.body, "status") == "SOLD_OUT");
}

TEST_CASE("unknown or malformed event ids are 404", "[http][events]") {
    events_app t;
    for (const auto* id : {"42", "abc", "-1", "0", "1.5"}) {
        CHECK(t.send("GET", std::string("/api/events/") + id, "", t.customer).status == 404);
        CHECK(t.send("PUT", std::string("/api/events/") + id, R"({"eventName":"x"})", t.admin).status == 404);
        CHECK(t.send("PUT", std::string("/api/events/") + id + "/status", R"({"status":"ON_SALE"})", t.admin).status ==
              404);
        CHECK(t.send("DELETE", std::string("/api/events/") + id, "", t.admin).status == 404);
    }
    CHECK(t.outbox_rows() == 0);
}

TEST_CASE("an event id with a leading zero or a sign names no event", "[http][events]") {
    events_app t;
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    CHECK(t.send("GET", "/api/events/1", "", t.customer).status == 200);
    for (const auto* id : {"01", "001", "+1", "%31"}) {
        INFO(id);
        CHECK(t.send("GET", std::string("/api/events/") + id, "", t.customer).status == 404);
        CHECK(t.send("DELETE", std::string("/api/events/") + id, "", t.admin).status == 404);
    }
    CHECK(t.send("GET", "/api/events/1", "", t.customer).status == 200);
}

TEST_CASE("delete answers 204 once, then 404, with one EVENT_DELETED row", "[http][events]") {
    events_app t;
    REQUIRE(t.send("POST", "/api/events", jazz, t.admin).status == 201);
    CHECK(t.send("DELETE", "/api/events/1", "", t.admin).status == 204);
    CHECK(t.send("DELETE", "/api/events/1", "", t.admin).status == 404);
    CHECK(t.send("GET", "/api/events/1", "", t.admin).status == 404);
    CHECK(t.outbox_rows() == 2);
}

TEST_CASE("the list pages by date with the page object of the specification, and filters", "[http][events]") {
    events_app t;
    for (int day = 5; day >= 1; --day) {
        const std::string date = "2027-01-0" + std::to_string(day) + "T20:00:00Z";
        REQUIRE(t.send("POST", "/api/events",
                       R"({"eventName":"D)" + std::to_string(day) + R"(","eventDate":")" + date +
                           R"(","venueName":"V","totalSeats":5,"saleStartTime":"2026-11-21T00:00:00Z"})",
                       t.admin)
                    .status == 201);
    }
    auto page = t.send("GET", "/api/events?page=1&size=2", "", t.customer);
    REQUIRE(page.status == 200);
    CHECK(has(page.body, R"("page":{"number":1,"size":2,"totalElements":5,"totalPages":3})"));
    CHECK(page.body.find("\"D3\"") < page.body.find("\"D4\""));
    CHECK_FALSE(has(page.body, "\"D1\""));
    REQUIRE(t.send("PUT", "/api/events/2/status", R"({"status":"ON_SALE"})", t.admin).status == 200);
    auto on_sale = t.send("GET", "/api/events?status=ON_SALE", "", t.customer);
    CHECK(has(on_sale.body, R"("totalElements":1)"));
    auto window = t.send("GET", "/api/events?from=2027-01-02T00:00:00Z&to=2027-01-03T23:59:59Z", "", t.customer);
    CHECK(has(window.body, R"("totalElements":2)"));
    auto defaults = t.send("GET", "/api/events", "", t.customer);
    CHECK(has(defaults.body, R"("page":{"number":0,"size":20,"totalElements":5,"totalPages":1})"));
}

TEST_CASE("bad list filters are 400 naming the filter", "[http][events]") {
    events_app t;
    for (const auto* q : {"size=0", "size=101", "size=x", "page=-1", "page=1000000001", "page=2147483648",
                          "status=OPEN", "from=yesterday", "from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z"}) {
        auto r = t.send("GET", std::string("/api/events?") + q, "", t.customer);
        INFO(q);
        CHECK(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
    }
}
