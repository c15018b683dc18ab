// A value read from a row that this build does not know is an error, never a default.
#include <catch2/catch.hpp>

#include "adapters/storage/soci_internal.hpp"
#include "core/agents/agent.hpp"
#include "core/mfa/factor_method.hpp"

using namespace authd;
using Catch::Matchers::Contains;

TEST_CASE("an unknown enum value in a column throws, naming the column, and known ones read back", "[storage][enums]") {
    CHECK(storage::stored_enum("agents.status", "suspended", parse_agent_status) == agent_status::suspended);
    CHECK(storage::stored_enum("mfa_challenges.method", "totp", parse_factor_method) == factor_method::totp);
    CHECK(storage::stored_enum("otp_codes.delivery_method", "email", parse_delivery_method) == delivery_method::email);
    CHECK_THROWS_WITH(storage::stored_enum("agents.status", "retired", parse_agent_status),
                      Contains("agents.status") && Contains("retired"));
    CHECK_THROWS_WITH(storage::stored_enum("otp_codes.delivery_method", "", parse_delivery_method),
                      Contains("otp_codes.delivery_method"));
    CHECK_THROWS_WITH(storage::stored_enum("events.status", "PUBLISHED", parse_event_status),
                      Contains("events.status"));
}
