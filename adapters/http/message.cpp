#include "adapters/http/message.hpp"

#include <algorithm>

namespace authd::http {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string url_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}
std::optional<std::string_view> request::find_header(std::string_view name) const {
    for (const auto& h : headers)
        if (ascii_iequals(h.name, name)) return std::string_view{h.value};
    return std::nullopt;
}

std::vector<std::string_view> request::find_headers(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& h : headers)
        if (ascii_iequals(h.name, name)) out.emplace_back(h.value);
    return out;
}

std::string_view request::path_param(std::string_view name) const {
    for (const auto& [k, v] : path_params)
        if (k == name) return v;
    return {};
}

namespace {
/// The first value of `name` in "a=1&b=2" (a query string or a form body), percent-decoded.
std::optional<std::string> encoded_param(std::string_view q, std::string_view name) {
    while (!q.empty()) {
        const auto amp = q.find('&');
        const std::string_view pair = q.substr(0, amp);
        const auto eq = pair.find('=');
        if (url_decode(pair.substr(0, eq)) == name)
            return eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return std::nullopt;
}
}  // namespace

std::optional<std::string> request::query_param(std::string_view name) const { return encoded_param(query, name); }
std::optional<std::string> request::form_param(std::string_view name) const { return encoded_param(body, name); }

void response::set_header(std::string name, std::string value) {
    for (auto& h : headers)
        if (ascii_iequals(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    headers.push_back({std::move(name), std::move(value)});
}

std::optional<std::string_view> response::find_header(std::string_view name) const {
    for (const auto& h : headers)
        if (ascii_iequals(h.name, name)) return std::string_view{h.value};
    return std::nullopt;
}

}  // namespace authd::http
