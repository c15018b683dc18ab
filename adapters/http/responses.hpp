#pragma once
#include <string>
#include <string_view>

#include "adapters/http/message.hpp"
#include "core/common/result.hpp"

namespace authd::http {

response json_response(int status, std::string body);
response no_content();

/// RFC 9457 problem details with a stable `code` and the request id.
/// `extra_members` is serialized JSON members to append (e.g. `"valid":false`), or empty.
response problem(const request& req, int status, std::string_view code, std::string_view detail,
                 std::string_view extra_members = {});

/// The one table from domain errors to HTTP: status, code, and headers such as Retry-After.
response problem_from(const request& req, const failure& f);

/// 401 for a missing or bad bearer token, with WWW-Authenticate.
response unauthorized(const request& req, std::string_view detail, bool token_was_sent);

}  // namespace authd::http
