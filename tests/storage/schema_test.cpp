// Every dialect's migrations build the same tables with the same columns, and
// an applied migration that changed afterwards stops the start.
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;

TEST_CASE("the schema has the same tables and columns on every backend", "[contract][schema]") {
    backend_under_test b;
    if (!b.soci) return;  // the memory fake has no schema; nothing to compare
    // Written out once: SQLite, PostgreSQL and MySQL must all match it.
    const std::map<std::string, std::vector<std::string>> expected{
        {"agents", {"agency_id", "country_code", "created_at", "email", "first_name", "id", "last_name",
                    "license_number", "phone_number", "status", "updated_at"}},
        {"otp_codes", {"code_hash", "consumed_at", "created_at", "delivery_method", "expires_at", "id", "phone_number"}},
        {"otp_lockouts", {"failed_attempts", "locked_until", "phone_number", "updated_at"}},
        {"refresh_tokens", {"expires_at", "issued_at", "rotated_at", "session_id", "token_hash"}},
        {"roles", {"name"}},
        {"sessions", {"created_at", "expires_at", "id", "ip", "last_used_at", "principal_id", "principal_type",
                      "revoked_at", "user_agent"}},
        {"user_roles", {"role", "user_id"}},
        {"users", {"created_at", "email", "email_verified", "failed_logins", "id", "is_active", "locked_until",
                   "mfa_enabled", "name", "password_hash", "updated_at", "username"}},
    };
    CHECK(b.soci->schema() == expected);
}

TEST_CASE("migrating again applies nothing", "[contract][schema]") {
    backend_under_test b;
    if (!b.soci) return;
    CHECK(b.soci->migrate().empty());
}
