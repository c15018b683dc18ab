#pragma once
// Plain request/response values: the only HTTP types handlers, router and
// middleware see. Boost.Beast stays inside server.cpp, so that the many files
// that include this header compile fast.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::http {

/// Equal but for the case of ASCII letters, as header names and tokens compare; other bytes must match exactly,
/// whatever the locale.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

struct header {
    std::string name;  ///< as sent; look-ups are case-insensitive
    std::string value;
};

struct request {
    std::string method;  ///< "GET", "POST", ...
    std::string target;  ///< path and query as sent, e.g. "/api/events?page=0"
    std::string path;    ///< target without the query, percent-decoding not applied
    std::string query;   ///< after '?', without it
    std::vector<header> headers;
    std::string body;
    std::string remote_ip;
    std::string request_id;    ///< set by the pipeline
    std::string principal_id;  ///< set by the pipeline once a token proved who calls: the access log names it
    bool via_trusted_proxy =
        false;  ///< set by the pipeline: the peer is in TRUSTED_PROXIES (remote_ip is then the client)
    std::vector<std::pair<std::string, std::string>> path_params;  ///< set by the router

    /// First header of that name (case-insensitive), if any.
    std::optional<std::string_view> find_header(std::string_view name) const;
    /// Every header of that name, in order.
    std::vector<std::string_view> find_headers(std::string_view name) const;
    std::string_view path_param(std::string_view name) const;
    /// Decoded value of a query parameter, if present.
    std::optional<std::string> query_param(std::string_view name) const;
    /// A field of an application/x-www-form-urlencoded body.
    std::optional<std::string> form_param(std::string_view name) const;
};

struct response {
    int status = 200;
    std::vector<header> headers;
    std::string body;
    std::string problem_code = {};  ///< the problem's `code`, for metrics; never sent

    void set_header(std::string name, std::string value);
    std::optional<std::string_view> find_header(std::string_view name) const;
};

/// Percent-decodes a form or query value ('+' is a space); a '%' not followed by two hex digits stays as it is.
std::string url_decode(std::string_view s);

/// Answers a request. `respond` may be called from any thread, exactly once.
using handler_fn = std::function<void(request, std::function<void(response)> respond)>;

}  // namespace authd::http
