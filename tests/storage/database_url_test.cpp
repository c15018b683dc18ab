// DATABASE_URL's query parameters: the driver options authd passes on (TLS, timeouts, the application name) reach the
// connection string under the driver's names, and anything else is named for the start to refuse; on a real server
// they take effect.
#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sql_dialect.hpp"
#include "tests/storage/backend.hpp"

using authd::storage::database_url;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A connection opened as the store opens its own.
void open(soci::session& sql, const std::string& url) {
    const auto parsed = database_url::parse(url);
    REQUIRE(parsed);
    authd::storage::sql_dialect(parsed->kind).open(sql, *parsed);
}
}  // namespace

TEST_CASE("PostgreSQL URL parameters reach libpq, and an unknown one or a bad value is named", "[url]") {
    const auto url = database_url::parse(
        "postgresql://u:p@db.example.com/"
        "authd?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=authd%20eu"
        "&connect_timeout=10");
    REQUIRE(url);
    CHECK(url->rejected_option.empty());
    CHECK(url->database == "authd");
    const auto conn = url->soci_connect_string();
    CHECK(has(conn, "sslmode='verify-full'"));
    CHECK(has(conn, "sslrootcert='/etc/ca.pem'"));
    CHECK(has(conn, "application_name='authd eu'"));
    CHECK(has(conn, "connect_timeout='10'"));
    CHECK_FALSE(has(conn, "connect_timeout=5"));  // the URL's replaces authd's default
    CHECK(has(database_url::parse("postgresql://u:p@h/db")->soci_connect_string(), "connect_timeout=5"));

    CHECK(database_url::parse("postgresql://u:p@h/db?sslmod=require")->rejected_option == "sslmod");
    CHECK(database_url::parse("postgresql://u:p@h/db?sslmode=sometimes")->rejected_option == "sslmode");
    CHECK(database_url::parse("postgresql://u:p@h/db?connect_timeout=5s")->rejected_option == "connect_timeout");
    CHECK(database_url::parse("postgresql://u:p@h/db?ssl_ca=x")->rejected_option == "ssl_ca");  // MySQL's name
    CHECK_FALSE(database_url::parse("postgresql://u:p@h/db?sslmode=require&sslmode=disable"));
    CHECK_FALSE(database_url::parse("postgresql://u:p@h/db?sslmode=%zz"));
}

TEST_CASE("MySQL URL parameters reach the driver under its names", "[url]") {
    const auto url = database_url::parse(
        "mysql://u:p@h:3307/authd?ssl_ca=%2Fca.pem&sslcert=/c.pem&ssl_key=/k.pem"
        "&connect_timeout=7&read_timeout=30&write_timeout=30");
    REQUIRE(url);
    CHECK(url->rejected_option.empty());
    const auto conn = url->soci_connect_string();
    for (const auto* part : {"sslca='/ca.pem'", "sslcert='/c.pem'", "sslkey='/k.pem'", "connect_timeout='7'",
                             "read_timeout='30'", "write_timeout='30'", "charset=utf8mb4"}) {
        CAPTURE(part);
        CHECK(has(conn, part));
    }
    CHECK(database_url::parse("mysql://u:p@h/db?sslmode=require")->rejected_option == "sslmode");  // PostgreSQL's
    CHECK(database_url::parse("mysql://u:p@h/db?read_timeout=")->rejected_option == "read_timeout");
}

TEST_CASE("a SQLite URL's query is named for the start to refuse, never made part of the file name", "[url]") {
    const auto url = database_url::parse("sqlite:///data/authd.db?mode=ro&cache=shared");
    REQUIRE(url);
    CHECK(url->path == "data/authd.db");
    CHECK(url->rejected_option == "mode");
    CHECK(url->options.empty());
    const auto plain = database_url::parse("sqlite:////var/lib/authd/authd.db");
    REQUIRE(plain);
    CHECK(plain->path == "/var/lib/authd/authd.db");
    CHECK(plain->rejected_option.empty());
    CHECK_FALSE(database_url::parse("sqlite:///authd.db?%zz"));  // not percent-encoding
    CHECK_FALSE(database_url::parse("sqlite:///?mode=ro"));      // no file at all
}

TEST_CASE("the URL's options take effect on the real server", "[url][sql]") {
    authd::test::backend_under_test b;
    REQUIRE(b.database);
    const auto base = b.database->url();
    if (base.rfind("postgresql", 0) == 0) {
        soci::session named;
        open(named, base + "?application_name=authd-url-test&sslmode=disable");
        std::string name;
        named << "SELECT current_setting('application_name')", soci::into(name);
        CHECK(name == "authd-url-test");
        // The throwaway server has no TLS: asking for it is refused, so sslmode did reach libpq.
        soci::session refused;
        CHECK_THROWS(open(refused, base + "?sslmode=require"));
    } else if (base.rfind("mysql", 0) == 0) {
        soci::session timed;
        open(timed, base + "?connect_timeout=3&read_timeout=20");
        int one = 0;
        timed << "SELECT 1", soci::into(one);
        CHECK(one == 1);
    } else {
        // SQLite takes no connection options: its URL has none to pass on.
        CHECK(database_url::parse(base)->options.empty());
    }
}
