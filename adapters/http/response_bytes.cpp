#include "adapters/http/response_bytes.hpp"

#include <ostream>  // before Beast: status.hpp uses std::ostream without including it

#include <boost/beast/http/status.hpp>

#include <algorithm>
#include <charconv>

namespace authd::http {
namespace {


bool has_close_token(std::string_view value) {
    while (!value.empty()) {
        const auto comma = value.find(',');
        auto token = value.substr(0, comma);
        while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
        if (ascii_iequals(token, "close")) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

// RFC 9110 section 5.6.2: tchar, ASCII only (std::isalnum would follow the locale).
bool is_token(std::string_view name) {
    static constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               specials.find(c) != std::string_view::npos;
    });
}

bool is_field_value(std::string_view value) { return value.find_first_of(std::string_view("\r\n\0", 3)) == value.npos; }

void append_number(std::string& out, std::size_t n) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out.append(digits, end);
}

}  // namespace

bool write_response(response&& res, wire_framing framing, std::string& out) {
    const unsigned status = res.status >= 100 && res.status <= 999 ? static_cast<unsigned>(res.status) : 500U;
    bool keep_alive = framing.keep_alive;
    for (const auto& h : res.headers)
        if (ascii_iequals(h.name, "Connection") && has_close_token(h.value)) keep_alive = false;

    out.clear();
    const bool http10 = framing.version < 11;  // what the parser calls HTTP/1.0 semantics
    out += http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    append_number(out, status);
    out += ' ';
    const auto reason = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& h : res.headers) {
        if (ascii_iequals(h.name, "Content-Length") || ascii_iequals(h.name, "Transfer-Encoding") ||
            ascii_iequals(h.name, "Connection"))
            continue;
        if (!is_token(h.name) || !is_field_value(h.value)) continue;
        out += h.name;
        out += ": ";
        out += h.value;
        out += "\r\n";
    }
    // HTTP/1.1 keeps a connection open unless told otherwise; HTTP/1.0 closes it unless told otherwise.
    if (http10 && keep_alive) out += "Connection: keep-alive\r\n";
    if (!http10 && !keep_alive) out += "Connection: close\r\n";
    const bool has_body = status >= 200 && status != 204 && status != 304;
    if (has_body) {
        out += "Content-Length: ";
        append_number(out, res.body.size());
        out += "\r\n";
    }
    out += "\r\n";
    if (has_body && !framing.head) out += res.body;
    return keep_alive;
}

}  // namespace authd::http
