#include "adapters/http/body.hpp"

#include <charconv>

#include "core/common/validation.hpp"

namespace authd::http {

std::optional<std::int64_t> path_id(const request& req, std::string_view name) {
    const auto text = req.path_param(name);
    std::int64_t n = 0;
    // One spelling for each id: no sign (from_chars takes a '-'), no leading zero ("01" is not resource 1).
    if (text.empty() || text.front() < '1' || text.front() > '9') return std::nullopt;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n <= 0) return std::nullopt;
    return n;
}

std::optional<std::string> query_value(const request& req, std::string_view name) {
    auto value = req.query_param(name);
    if (value && value->empty()) return std::nullopt;
    return value;
}

std::optional<std::string> query_text(const request& req, std::string_view name, validator& v) {
    auto value = query_value(req, name);
    if (!value || (utf8_length(*value) && !has_control_characters(*value))) return value;
    v.add(std::string(name), "must be UTF-8 text without control characters");
    return std::nullopt;
}

std::optional<std::int64_t> query_integer(const request& req, std::string_view name, validator& v) {
    const auto value = query_value(req, name);
    if (!value) return std::nullopt;
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
    if (ec == std::errc{} && end == value->data() + value->size()) return n;
    v.add(std::string(name), "must be an integer");
    return std::nullopt;
}

std::optional<bool> query_bool(const request& req, std::string_view name, validator& v) {
    const auto value = query_value(req, name);
    if (!value) return std::nullopt;
    if (*value == "true") return true;
    if (*value == "false") return false;
    v.add(std::string(name), "must be true or false");
    return std::nullopt;
}

}  // namespace authd::http
