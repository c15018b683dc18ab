// The database goes away mid-run and comes back: requests get 503
// database_unavailable (never a 500, never a hang), readiness says so, and the
// service recovers by itself. A real PostgreSQL server, started for this test.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buf[256];
    while (std::fgets(buf, sizeof buf, pipe.get())) out += buf;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

/// A PostgreSQL server of this test's own, so that halting it disturbs no other test.
struct own_postgresql {
    std::string dir, url;
    own_postgresql() {
        char pattern[] = "/tmp/authd-outage-XXXXXX";
        const std::string parent = mkdtemp(pattern);
        chmod(parent.c_str(), 0755);  // the server runs as the postgres user, who must reach its folder
        dir = parent + "/pg";
        url = run(script() + " start postgresql " + dir);
        REQUIRE(url.rfind("postgresql://", 0) == 0);
    }
    ~own_postgresql() {
        run(script() + " stop " + dir);
        rmdir(dir.substr(0, dir.rfind('/')).c_str());
    }
    void halt() { REQUIRE(std::system((script() + " halt " + dir).c_str()) == 0); }
    void resume() { REQUIRE(std::system((script() + " resume " + dir).c_str()) == 0); }
    static std::string script() { return std::string(AUTHD_SOURCE_DIR) + "/scripts/db-server"; }
};
}  // namespace

TEST_CASE("a database outage answers 503 database_unavailable, then the service recovers by itself", "[outage]") {
    own_postgresql pg;
    auto cfg = test_config();
    cfg.database_url = pg.url;
    cfg.db_pool_size = 3;
    running_app app(cfg);
    auto c = app.client();
    REQUIRE(
        c.post("/api/auth/register", R"({"email":"ana@example.com","password":"correct-horse","name":"Ana"})").status ==
        201);
    auto login = c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})");
    const auto token = json_string(login.body, "accessToken");
    REQUIRE(c.get("/api/auth/me", token).status == 200);
    // Refresh runs statements its connection keeps prepared on the server: after the outage they must be prepared
    // again on the new connection, not run by a name the new server session never heard of.
    const auto refresh = [&](const std::string& pair) {
        return c.post("/api/auth/refresh", R"({"refreshToken":")" + json_string(pair, "refreshToken") + R"("})");
    };
    auto refreshed = refresh(login.body);
    REQUIRE(refreshed.status == 200);

    pg.halt();
    for (int i = 0; i < 4; ++i) {  // more requests than pooled connections: each one fails fast
        auto down = c.get("/api/auth/me", token);
        CHECK(down.status == 503);
        CHECK(json_string(down.body, "code") == "database_unavailable");
        CHECK(down.header("Retry-After") == "5");
        CHECK(down.body.find("postgres") == std::string::npos);  // no driver text in the body
    }
    auto ready = c.get("/health/ready");
    CHECK(ready.status == 503);
    CHECK(ready.body == R"({"status":"unavailable","checks":{"database":"unavailable"}})");
    CHECK(c.get("/health/live").status == 200);

    pg.resume();
    CHECK(c.get("/health/ready").status == 200);
    CHECK(c.get("/api/auth/me", token).status == 200);
    CHECK(c.post("/api/auth/login", R"({"email":"ana@example.com","password":"correct-horse"})").status == 200);
    for (int i = 0; i < 4; ++i) {  // the pool lends its first free connection: these run where the first one did
        refreshed = refresh(refreshed.body);
        CHECK(refreshed.status == 200);
    }
}
