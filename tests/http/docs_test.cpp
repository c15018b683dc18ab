// The API docs over real sockets (API.md "Operations"): the OpenAPI document at
// /api/openapi.json, Swagger UI at /api/docs with a policy that lets its own
// assets load, and a fixed list of assets that cannot be escaped.
#include "tests/http/app_fixture.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using namespace authd;
using namespace authd::test;

namespace {
constexpr const char* docs_csp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'";
}

TEST_CASE("the route table and docs/openapi.json name the same operations", "[http][docs]") {
    running_app app;  // development mode: the dev route is served and documented too
    auto c = app.client();
    auto r = c.get("/api/openapi.json");  // docs/openapi.json, compiled in
    REQUIRE(r.status == 200);
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    REQUIRE(doc.IsObject());
    std::set<std::string> documented;
    for (const auto& path : doc["paths"].GetObject())
        for (const auto& op : path.value.GetObject()) {
            std::string method = op.name.GetString();
            if (method == "parameters") continue;
            for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            documented.insert(method + " " + path.name.GetString());
        }
    std::set<std::string> served;
    for (const auto& [method, path] : app.app->routes()) {
        // The router writes a parameter ":id", OpenAPI "{id}".
        std::string templated;
        for (std::size_t i = 0; i < path.size(); ++i) {
            if (path[i] != ':') {
                templated += path[i];
                continue;
            }
            const auto end = std::min(path.find('/', i), path.size());
            templated += "{" + path.substr(i + 1, end - i - 1) + "}";
            i = end - 1;
        }
        served.insert(method + " " + templated);
    }
    std::vector<std::string> undocumented, unserved;
    std::set_difference(served.begin(), served.end(), documented.begin(), documented.end(),
                        std::back_inserter(undocumented));
    std::set_difference(documented.begin(), documented.end(), served.begin(), served.end(),
                        std::back_inserter(unserved));
    CHECK(undocumented == std::vector<std::string>{});
    CHECK(unserved == std::vector<std::string>{});
    CHECK(served.size() > 60);
}

TEST_CASE("the OpenAPI document is served as JSON and documents the routes", "[http][docs]") {
    running_app app;
    auto c = app.client();
    auto r = c.get("/api/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").value_or("").rfind("application/json", 0) == 0);
    CHECK(r.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    CHECK(std::string(doc["openapi"].GetString()).rfind("3.0", 0) == 0);
    const auto& paths = doc["paths"];
    for (const char* p : {"/api/v1/auth/verify-otp", "/api/auth/login", "/api/events/{eventId}", "/api/products",
                          "/health", "/api/docs", "/api/openapi.json"})
        CHECK(paths.HasMember(p));
}

TEST_CASE("the docs page is HTML with a policy that lets its own assets load", "[http][docs]") {
    running_app app;
    auto c = app.client();
    auto r = c.get("/api/docs");
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").value_or("").rfind("text/html", 0) == 0);
    CHECK(r.header("Content-Security-Policy") == docs_csp);
    CHECK(r.header("X-Frame-Options") == "DENY");
    // Absolute asset paths: the page works at /api/docs and at /api/docs/ alike.
    CHECK(r.body.find("\"/api/docs/swagger-ui-bundle.js\"") != std::string::npos);
    CHECK(r.body.find("\"/api/docs/docs-init.js\"") != std::string::npos);
    CHECK(c.get("/api/docs/").body == r.body);
    // No inline script: every <script> has a src.
    CHECK(r.body.find("<script>") == std::string::npos);
    CHECK(r.body.find("http://") == std::string::npos);
    CHECK(r.body.find("https://") == std::string::npos);
}

TEST_CASE("docs assets are served with their type, and anything else is 404", "[http][docs]") {
    running_app app;
    auto c = app.client();
    auto init = c.get("/api/docs/docs-init.js");
    REQUIRE(init.status == 200);
    CHECK(init.header("Content-Type").value_or("").rfind("text/javascript", 0) == 0);
    CHECK(init.body.find("/openapi.json") != std::string::npos);
    CHECK(init.body.find("validatorUrl: null") != std::string::npos);

    // From node_modules/swagger-ui-dist (DOCS_ASSETS_DIR), installed by scripts/setup.
    auto css = c.get("/api/docs/swagger-ui.css");
    REQUIRE(css.status == 200);
    CHECK(css.header("Content-Type").value_or("").rfind("text/css", 0) == 0);
    CHECK(css.body.size() > 1000);
    auto bundle = c.get("/api/docs/swagger-ui-bundle.js");
    REQUIRE(bundle.status == 200);
    CHECK(bundle.header("Content-Type").value_or("").rfind("text/javascript", 0) == 0);
    CHECK(bundle.body.find("SwaggerUIBundle") != std::string::npos);

    for (const char* target : {"/api/docs/nope.js", "/api/docs/../x", "/api/docs/..%2F..%2Fpackage.json",
                               "/api/docs/index.html", "/api/docs/swagger-ui.js.map", "/api/docs/%2Fetc%2Fpasswd"}) {
        INFO(target);
        auto r = c.get(target);
        CHECK(r.status == 404);
        CHECK(r.header("Content-Type").value_or("").rfind("application/problem+json", 0) == 0);
    }
}

TEST_CASE("a missing assets directory gives 404 for assets, and the page and document still work", "[http][docs]") {
    auto cfg = test_config();
    cfg.docs_assets_dir = "/nonexistent/swagger-ui-dist";
    running_app app(cfg);
    auto c = app.client();
    CHECK(c.get("/api/docs/swagger-ui-bundle.js").status == 404);
    CHECK(c.get("/api/docs/swagger-ui.css").status == 404);
    CHECK(c.get("/api/docs/docs-init.js").status == 200);
    CHECK(c.get("/api/docs").status == 200);
    CHECK(c.get("/api/openapi.json").status == 200);
}
