#include "adapters/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace authd::http {
namespace {
/// "/a/b" is a, b. Every slash starts a segment, so "/a/b/" is a, b and an empty one, and "//a/b" and "/a//b" hold an
/// empty one too: no route matches those (a parameter is never empty), unless it names its trailing slash
/// ("/api/docs/"). One spelling per resource, so that a gateway's rule for a path covers every request that reaches
/// it (nginx merges slashes on its own; other proxies do not).
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.starts_with('/')) return out;
    path.remove_prefix(1);
    while (!path.empty()) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
        if (path.empty()) out.emplace_back();  // a trailing slash
    }
    return out;
}

bool is_parameter(std::string_view segment) { return segment.starts_with(':'); }

/// Compares a split pattern with a split path; ":name" segments capture.
bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
             std::vector<std::pair<std::string, std::string>>& params, int& literals) {
    if (pattern.size() != path.size()) return false;
    literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_parameter(pattern[i]) ? path[i].empty() : pattern[i] != path[i]) return false;
        if (!is_parameter(pattern[i])) ++literals;
    }
    params.clear();
    for (std::size_t i = 0; i < pattern.size(); ++i)
        if (is_parameter(pattern[i])) params.emplace_back(pattern[i].substr(1), std::string(path[i]));
    return true;
}
}  // namespace

void router::add(route r) {
    // The I/O thread must never wait: a route answered there may not need a token (its session is read from the
    // database), a rate limit (Redis) or a body.
    if (r.pool == pool_kind::io_thread &&
        (r.access.authenticated || r.limits != rate_class::none || r.body != body_kind::none))
        throw std::logic_error("route " + r.path + ": an io_thread route takes no token, rate limit or body");
    if (!r.path.starts_with('/')) throw std::logic_error("route " + r.path + ": a path starts with a slash");
    std::vector<std::string> parts;
    for (const auto part : segments(r.path)) parts.emplace_back(part);
    patterns_.push_back(std::move(parts));
    routes_.push_back(std::move(r));
}

route_match router::match(std::string_view method, request& req) const {
    route_match m;
    if (!req.path.starts_with('/')) return m;  // "*", or an absolute-form target with userinfo
    const auto path = segments(req.path);
    // Literal segments win over parameters: /api/auth/sessions before /api/auth/:x.
    const route* best = nullptr;
    int best_literals = -1;
    std::vector<std::pair<std::string, std::string>> params, best_params;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const route& r = routes_[i];
        int literals = 0;
        if (!matches(patterns_[i], path, params, literals)) continue;
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end())
                m.allowed.push_back(r.method);
            continue;
        }
        if (literals > best_literals) {
            best = &r;
            best_literals = literals;
            best_params = params;
        }
    }
    if (best) {
        req.path_params = std::move(best_params);
        m.found = best;
    }
    return m;
}

}  // namespace authd::http
