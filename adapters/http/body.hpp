#pragma once
// Reading the parts of a request a handler needs: the client's address, the bearer token, ids and query values.
// (A JSON body is parsed by the pipeline before the handler runs: router.hpp, body_kind.)
#include <cstdint>
#include <optional>

#include "adapters/http/message.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/json/json.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

/// The client's address and agent, kept on the session it opens.
inline client_info client_of(const request& req) {
    return client_info{std::string(req.find_header("User-Agent").value_or("")), req.remote_ip};
}

/// The bearer token of the Authorization header, if any.
inline std::optional<std::string_view> bearer_token(const request& req) {
    const auto auth = req.find_header("Authorization");
    if (!auth || auth->size() < 8 || !ascii_iequals(auth->substr(0, 7), "bearer ")) return std::nullopt;
    return auth->substr(7);
}

/// A path parameter that is an id: digits only, positive, fitting an int64. Anything else names
/// nothing, so callers answer 404 as for an unknown id.
std::optional<std::int64_t> path_id(const request& req, std::string_view name);

/// A query parameter, where an empty value counts as absent (`?status=` filters nothing).
std::optional<std::string> query_value(const request& req, std::string_view name);
/// A free-text query parameter (a filter); reports one that is not UTF-8 or holds a control character (`%FF`,
/// `%C0%AE`, `%00`) to the validator: no stored text matches it, and PostgreSQL would refuse it as a parameter.
std::optional<std::string> query_text(const request& req, std::string_view name, validator& v);
/// An integer query parameter; reports a malformed one to the validator.
std::optional<std::int64_t> query_integer(const request& req, std::string_view name, validator& v);
/// `true` or `false`; reports anything else to the validator.
std::optional<bool> query_bool(const request& req, std::string_view name, validator& v);

}  // namespace authd::http
