// The outbox on standard output: no personal data unless the operator asks for it.
#include "adapters/publish/stdout_publisher.hpp"

#include <catch2/catch.hpp>

#include "adapters/json/integration_events.hpp"

using namespace authd;

namespace {
outbox_message client_row() {
    user u;
    u.id = "11111111-1111-4111-8111-111111111111";
    u.email = "cleo@example.com";
    u.name = "Cleo Martin";
    u.first_name = "Cleo";
    u.last_name = "Martin";
    u.phone_number = "+33612345678";
    u.roles = {"customer"};
    outbox_message m;
    m.id = 7;
    m.aggregate_type = "CLIENT";
    m.aggregate_id = u.id;
    m.event_type = "client.registered";
    m.payload = json::client_changed_payload(u);
    return m;
}
}  // namespace

TEST_CASE("a client's outbox line leaves out e-mail, names and phone unless personal data is asked for",
          "[adapters][outbox]") {
    const auto m = client_row();
    const auto line = publish::outbox_line(m, false);
    for (const char* personal : {"cleo@example.com", "Cleo", "Martin", "+33612345678", "\"email\"", "\"name\""})
        CHECK(line.find(personal) == std::string::npos);
    CHECK(line.find(R"("id":"11111111-1111-4111-8111-111111111111")") != std::string::npos);
    CHECK(line.find(R"("event_type":"client.registered")") != std::string::npos);
    CHECK(line.back() == '\n');

    const auto full = publish::outbox_line(m, true);
    CHECK(full.find(R"("email":"cleo@example.com")") != std::string::npos);
    CHECK(full.find(R"("phone_number":"+33612345678")") != std::string::npos);
}

TEST_CASE("an event's outbox line is written whole either way", "[adapters][outbox]") {
    outbox_message m;
    m.id = 1;
    m.aggregate_type = "EVENT";
    m.aggregate_id = "42";
    m.event_type = "EVENT_CREATED";
    m.payload = R"({"schema_version":1,"eventId":42,"eventName":"Jazz"})";
    CHECK(publish::outbox_line(m, false) == publish::outbox_line(m, true));
    CHECK(publish::outbox_line(m, false).find(R"("payload":{"schema_version":1,"eventId":42,"eventName":"Jazz"})") !=
          std::string::npos);
}
