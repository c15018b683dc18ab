#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/message.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

/// Which pool runs a handler: slow work (password hashing) has a pool of its
/// own, so that a login flood cannot delay token validation.
enum class pool_kind { normal, slow };

/// What a route requires of its caller, declared in one place: the route table.
struct access_rule {
    bool authenticated = false;
    std::vector<std::string> any_role = {};   ///< empty: any authenticated principal
    std::optional<principal_type> principal = {};  ///< e.g. only agents
};

/// Which rate limits a route counts against (API.md "Conventions").
enum class rate_class {
    standard,    ///< RATE_LIMIT_PER_MINUTE per user when signed in, else per IP
    credential,  ///< also AUTH_RATE_LIMIT_PER_MINUTE per IP: register, login, OTP, MFA, refresh
    none,        ///< health and metrics: probes must never be turned away
};

/// A handler gets the request and, on authenticated routes, the caller.
using route_handler = std::function<response(request&, const principal*)>;

struct route {
    std::string method;
    std::string pattern;  ///< "/api/events/:eventId"
    route_handler handler = {};
    access_rule access = {};
    pool_kind pool = pool_kind::normal;
    bool reads_body = false;  ///< a JSON body is expected (415 for another Content-Type)
    rate_class limits = rate_class::standard;
};

struct route_match {
    const route* found = nullptr;     ///< null: 404 or 405
    std::vector<std::string> allowed;  ///< for 405: the methods the path has
};

class router {
public:
    void add(route r);
    /// Matches and fills req.path_params.
    route_match match(request& req) const { return match(req.method, req); }
    /// The same for another method than the request's own (a CORS preflight asks about the one it names).
    route_match match(std::string_view method, request& req) const;
    const std::vector<route>& routes() const { return routes_; }

private:
    std::vector<route> routes_;
    /// Each route's pattern, split once at add(): matching runs on every request.
    std::vector<std::vector<std::string>> patterns_;
};

}  // namespace authd::http
