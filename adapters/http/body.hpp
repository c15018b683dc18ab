#pragma once
// Reading a JSON request body: 400 malformed_json for bad JSON, and one
// validator to collect every bad field.
#include <cstdint>
#include <optional>

#include "adapters/http/message.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/json/json.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

/// Parses the body as a JSON object, or fills `error` with the 400. An empty body is no JSON either.
inline std::optional<json::object_reader> read_object(const request& req, response& error) {
    auto obj = json::object_reader::parse(req.body);
    if (!obj) error = problem(req, http_problem::malformed_json);
    return obj;
}

/// The client's address and agent, kept on the session it opens.
inline client_info client_of(const request& req) {
    return client_info{std::string(req.find_header("User-Agent").value_or("")), req.remote_ip};
}

/// The bearer token of the Authorization header, if any.
inline std::optional<std::string_view> bearer_token(const request& req) {
    const auto auth = req.find_header("Authorization");
    if (!auth || auth->size() < 8) return std::nullopt;
    std::string scheme(auth->substr(0, 7));
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "bearer ") return std::nullopt;
    return auth->substr(7);
}

/// A path parameter that is an id: digits only, positive, fitting an int64. Anything else names
/// nothing, so callers answer 404 as for an unknown id.
std::optional<std::int64_t> path_id(const request& req, std::string_view name);

/// A query parameter, where an empty value counts as absent (`?status=` filters nothing).
std::optional<std::string> query_value(const request& req, std::string_view name);
/// An integer query parameter; reports a malformed one to the validator.
std::optional<std::int64_t> query_integer(const request& req, std::string_view name, validator& v);
/// `true` or `false`; reports anything else to the validator.
std::optional<bool> query_bool(const request& req, std::string_view name, validator& v);

}  // namespace authd::http
