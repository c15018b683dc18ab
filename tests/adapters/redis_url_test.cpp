// REDIS_URL: host, port, database, and the ACL user beside the password.
#include <catch2/catch.hpp>

#include "adapters/redis/redis_url.hpp"

using authd::redis::redis_url;

TEST_CASE("a Redis URL names host, port, database, user and password", "[redis]") {
    const auto full = redis_url::parse("redis://app:s3cret@cache.internal:6380/2");
    REQUIRE(full.has_value());
    CHECK(full->host == "cache.internal");
    CHECK(full->port == 6380);
    CHECK(full->db == 2);
    CHECK(full->user == "app");
    CHECK(full->password == "s3cret");

    const auto password_only = redis_url::parse("redis://:s3cret@localhost");
    REQUIRE(password_only.has_value());
    CHECK(password_only->user.empty());
    CHECK(password_only->password == "s3cret");
    CHECK(password_only->port == 6379);

    const auto legacy = redis_url::parse("redis://s3cret@localhost");  // no colon: a password, as before
    REQUIRE(legacy.has_value());
    CHECK(legacy->user.empty());
    CHECK(legacy->password == "s3cret");

    CHECK_FALSE(redis_url::parse("http://localhost").has_value());
    CHECK_FALSE(redis_url::parse("redis://localhost:0").has_value());
    CHECK_FALSE(redis_url::parse("redis://localhost/-1").has_value());
    CHECK_FALSE(redis_url::parse("redis://").has_value());
}
