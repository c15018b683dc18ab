// API docs (API.md "Operations"): the OpenAPI document and Swagger UI, offline.
// The document, the page and its start script are compiled in (embed_docs.cmake);
// Swagger UI's own files are read from DOCS_ASSETS_DIR (node_modules/swagger-ui-dist).
#include <array>
#include <fstream>
#include <iterator>
#include <sstream>

#include "adapters/http/embedded_docs.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/routes.hpp"

namespace authd::http {
namespace {

/// The docs page loads only its own scripts and styles (Swagger UI sets inline styles
/// and draws icons from data: URIs); it may fetch only from this origin.
constexpr const char* docs_csp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'";

struct asset {
    std::string_view name;
    std::string_view content_type;
};

/// The only files served from the assets directory: a fixed list, so no path can leave it.
constexpr std::array<asset, 5> swagger_ui_files{{
    {"swagger-ui.css", "text/css; charset=utf-8"},
    {"swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
    {"swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8"},
    {"favicon-32x32.png", "image/png"},
    {"favicon-16x16.png", "image/png"},
}};

response with_type(response res, std::string_view content_type) {
    res.set_header("Content-Type", std::string(content_type));
    return res;
}

response static_asset(const request& req, const std::string& dir, std::string_view name) {
    // Served from memory: our own start script.
    if (name == "docs-init.js") {
        response res;
        res.body = std::string(embedded_docs_init_js());
        res.set_header("Cache-Control", "no-cache");
        return with_type(std::move(res), "text/javascript; charset=utf-8");
    }
    for (const auto& a : swagger_ui_files) {
        if (a.name != name) continue;
        std::ifstream in(dir + "/" + std::string(a.name), std::ios::binary);
        if (!in) break;  // no assets directory (npm ci not run): 404, not 500
        std::ostringstream content;
        content << in.rdbuf();
        response res;
        res.body = std::move(content).str();
        res.set_header("Cache-Control", "public, max-age=3600");
        return with_type(std::move(res), a.content_type);
    }
    return problem_from(req, fail(errc::not_found, "No such docs asset."));
}

response openapi_document(services&, exchange&) {
    auto res = json_response(200, std::string(embedded_openapi_json()));
    res.set_header("Cache-Control", "no-cache");
    return res;
}

response docs_page(services&, exchange&) {
    response res;
    res.body = std::string(embedded_docs_html());
    res.set_header("Content-Security-Policy", docs_csp);
    res.set_header("Cache-Control", "no-cache");
    return with_type(std::move(res), "text/html; charset=utf-8");
}

response docs_asset(services& s, exchange& x) {
    return static_asset(x.req, s.docs_assets_dir, x.req.path_param("asset"));
}

}  // namespace

void add_docs_routes(router& r, services& s) {
    r.add({.method = "GET", .path = "/api/openapi.json", .handler = bind(s, openapi_document)});
    r.add({.method = "GET", .path = "/api/docs", .handler = bind(s, docs_page)});
    r.add({.method = "GET", .path = "/api/docs/", .handler = bind(s, docs_page)});  // as people type it
    r.add({.method = "GET", .path = "/api/docs/:asset", .handler = bind(s, docs_asset)});
}

}  // namespace authd::http
