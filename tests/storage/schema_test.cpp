// Every dialect's migrations build the same tables with the same columns, and
// an applied migration that changed afterwards stops the start.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>

#include "adapters/storage/migrations.hpp"
#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;

TEST_CASE("the schema has the same tables and columns on every backend", "[contract][schema][sql]") {
    backend_under_test b;
    REQUIRE(b.soci);
    // Written out once: SQLite, PostgreSQL and MySQL must all match it.
    const std::map<std::string, std::vector<std::string>> expected{
        {"agents",
         {"agency_id", "country_code", "created_at", "email", "first_name", "id", "last_name", "license_number",
          "phone_number", "status", "updated_at"}},
        {"audit_events",
         {"actor_id", "detail", "id", "ip", "occurred_at", "outcome", "principal_id", "request_id", "type",
          "user_agent"}},
        {"email_changes", {"created_at", "expires_at", "new_email", "token_hash", "used_at", "user_id"}},
        {"email_verifications", {"created_at", "expires_at", "token_hash", "used_at", "user_id"}},
        {"events",
         {"available_seats", "created_at", "event_date", "id", "name", "sale_start_time", "status", "total_seats",
          "updated_at", "venue_name"}},
        {"messages",
         {"account_id", "attempts", "channel", "created_at", "expires_at", "id", "kind", "last_error", "lease_until",
          "lifetime_seconds", "message_id", "next_attempt_at", "recipient", "recipient_key", "recipient_name",
          "sealed_secret", "sent_at", "status"}},
        {"mfa_challenges",
         {"code_hash", "created_at", "ended_at", "expires_at", "failures", "method", "token_hash", "user_id"}},
        {"otp_codes",
         {"code_hash", "consumed_at", "created_at", "delivery_method", "expires_at", "id", "phone_number"}},
        {"otp_lockouts", {"failed_attempts", "locked_until", "phone_number", "updated_at"}},
        {"outbox",
         {"aggregate_id", "aggregate_type", "created_at", "event_type", "id", "lease_until", "payload", "processed",
          "processed_at"}},
        {"password_resets", {"created_at", "expires_at", "token_hash", "used_at", "user_id"}},
        {"price_history", {"currency", "id", "price_cents", "product_id", "recorded_at"}},
        {"products",
         {"best_seller", "created_at", "currency", "description", "id", "is_active", "name", "price_cents", "sku",
          "supplier_id", "updated_at"}},
        {"recovery_codes", {"code_hash", "created_at", "used_at", "user_id"}},
        {"refresh_tokens", {"expires_at", "issued_at", "rotated_at", "session_id", "token_hash"}},
        {"roles", {"name"}},
        {"sessions",
         {"created_at", "expires_at", "id", "ip", "last_used_at", "principal_id", "principal_type", "revoked_at",
          "user_agent"}},
        {"task_leases", {"lease_until", "name"}},
        {"supplier_contacts", {"email", "id", "name", "phone", "role", "supplier_id"}},
        {"signing_keys", {"algorithm", "created_at", "kid", "public_pem", "retired_at", "sealed_private"}},
        {"suppliers", {"address", "created_at", "email", "id", "name", "phone", "updated_at"}},
        {"user_preferences", {"preferences", "updated_at", "user_id"}},
        {"user_roles", {"role", "user_id"}},
        {"users",
         {"created_at", "email", "email_verified", "failed_logins", "first_name", "id", "is_active", "is_client",
          "last_name", "locked_until", "mfa_enabled", "name", "password_hash", "phone_number", "totp_last_step",
          "totp_secret", "updated_at", "username"}},
    };
    CHECK(b.soci->schema() == expected);
}

TEST_CASE("migrating again applies nothing", "[contract][schema][sql]") {
    backend_under_test b;
    REQUIRE(b.soci);
    CHECK(b.soci->migrate().empty());
}

TEST_CASE("several instances starting at once apply each migration exactly once", "[contract][schema][sql]") {
    scratch_database db;  // empty: nobody has migrated it yet
    auto url = *storage::database_url::parse(db.url());
    char folder[] = "/tmp/authd-migrate-XXXXXX";
    if (url.in_memory()) url.path = std::string(mkdtemp(folder)) + "/authd.db";  // instances share a file, not memory
    std::mutex m;
    std::vector<std::string> applied;
    std::vector<std::thread> instances;
    for (int i = 0; i < 4; ++i)
        instances.emplace_back([&] {
            storage::soci_store store(url, 1);
            auto names = store.migrate();
            std::lock_guard lock(m);
            applied.insert(applied.end(), names.begin(), names.end());
        });
    for (auto& t : instances) t.join();
    std::sort(applied.begin(), applied.end());
    CHECK(std::adjacent_find(applied.begin(), applied.end()) == applied.end());  // no migration twice
    // Every migration of this dialect, once in all.
    const auto& all = storage::embedded_migrations();
    const auto expected = std::count_if(all.begin(), all.end(), [&](const storage::migration& migration) {
        return migration.dialect == storage::to_string(url.kind);
    });
    CHECK(applied.size() == static_cast<std::size_t>(expected));
    if (url.kind == storage::dialect::sqlite) std::filesystem::remove_all(folder);
}
