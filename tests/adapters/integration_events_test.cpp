// The outbox's integration events, schema version 1: the payloads byte for byte, as docs/events.md documents them.
// A failure here means consumers of the outbox would see a change: bump the version or keep the field.
#include "adapters/json/integration_events.hpp"

#include <catch2/catch.hpp>

using namespace authd;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
}

TEST_CASE("an event change carries schema version 1 and the event's fields", "[adapters][integration_events]") {
    event e;
    e.id = 42;
    e.name = "Jazz \"night\"";
    e.event_date = t0 + std::chrono::days{30};
    e.venue_name = "Casablanca";
    e.total_seats = 500;
    e.available_seats = 480;
    e.status = event_status::on_sale;
    e.sale_start_time = t0;
    e.created_at = t0;
    e.updated_at = t0 + std::chrono::hours{1};
    CHECK(json::event_changed_payload(e) ==
          R"({"schema_version":1,"eventId":42,"eventName":"Jazz \"night\"","eventDate":"2026-12-22T09:00:00Z",)"
          R"("venueName":"Casablanca","totalSeats":500,"availableSeats":480,"status":"ON_SALE",)"
          R"("saleStartTime":"2026-11-22T09:00:00Z","createdAt":"2026-11-22T09:00:00Z",)"
          R"("updatedAt":"2026-11-22T10:00:00Z"})");
}

TEST_CASE("a client change carries schema version 1, who the client is, and no secret",
          "[adapters][integration_events]") {
    user u;
    u.id = "11111111-1111-4111-8111-111111111111";
    u.email = "cleo@example.com";
    u.name = "Cleo Martin";
    u.first_name = "Cleo";
    u.last_name = "Martin";
    u.roles = {"customer"};
    u.email_verified = true;
    u.is_client = true;
    u.password_hash = "$argon2id$secret";
    u.totp_secret = "sealed-secret";
    u.created_at = u.updated_at = t0;
    const auto payload = json::client_changed_payload(u);
    CHECK(payload ==
          R"({"schema_version":1,"id":"11111111-1111-4111-8111-111111111111","email":"cleo@example.com",)"
          R"("first_name":"Cleo","last_name":"Martin","name":"Cleo Martin","phone_number":null,"email_verified":true,)"
          R"("mfa_enabled":false,"roles":["customer"],"is_active":true,"created_at":"2026-11-22T09:00:00Z",)"
          R"("updated_at":"2026-11-22T09:00:00Z"})");
    CHECK(payload.find("secret") == std::string::npos);
}
