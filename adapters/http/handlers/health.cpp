// Liveness and readiness (API.md "Operations").
#include "adapters/http/routes.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/json/json.hpp"

namespace authd::http {
namespace {
response health(services& s, bool check_dependencies) {
    const bool db_ok = !check_dependencies || s.database_ready();
    json::writer w;
    w.begin_object().field("status", db_ok ? "ok" : "unavailable");
    if (check_dependencies) w.key("checks").begin_object().field("database", db_ok ? "ok" : "unavailable").end_object();
    return json_response(db_ok ? 200 : 503, std::move(w.end_object()).str());
}
}  // namespace

void add_health_routes(router& r, services& s) {
    r.add({"GET", "/health", [&s](request&, const principal*) { return health(s, true); }});
    r.add({"GET", "/health/ready", [&s](request&, const principal*) { return health(s, true); }});
    r.add({"GET", "/health/live", [&s](request&, const principal*) { return health(s, false); }});
}

}  // namespace authd::http
