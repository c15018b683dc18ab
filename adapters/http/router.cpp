#include "adapters/http/router.hpp"

#include <algorithm>

namespace authd::http {
namespace {
std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    while (!path.empty()) {
        if (path.front() == '/') {
            path.remove_prefix(1);
            continue;
        }
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return out;
}

bool matches(std::string_view pattern, std::string_view path, std::vector<std::pair<std::string, std::string>>& params) {
    const auto want = segments(pattern);
    const auto got = segments(path);
    if (want.size() != got.size()) return false;
    std::vector<std::pair<std::string, std::string>> found;
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (want[i].front() == ':') found.emplace_back(std::string(want[i].substr(1)), std::string(got[i]));
        else if (want[i] != got[i]) return false;
    }
    params = std::move(found);
    return true;
}
}  // namespace

void router::add(route r) { routes_.push_back(std::move(r)); }

route_match router::match(request& req) const {
    route_match m;
    // Literal segments win over parameters: /api/auth/sessions before /api/auth/:x.
    const route* best = nullptr;
    int best_literals = -1;
    std::vector<std::pair<std::string, std::string>> best_params;
    for (const auto& r : routes_) {
        std::vector<std::pair<std::string, std::string>> params;
        if (!matches(r.pattern, req.path, params)) continue;
        if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) {
            if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) m.allowed.push_back(r.method);
            continue;
        }
        const int literals = static_cast<int>(segments(r.pattern).size() - params.size());
        if (literals > best_literals) {
            best = &r;
            best_literals = literals;
            best_params = std::move(params);
        }
    }
    if (best) {
        req.path_params = std::move(best_params);
        m.found = best;
    }
    return m;
}

}  // namespace authd::http
