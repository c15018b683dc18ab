#pragma once
// Every 4xx and 5xx answer of authd comes from one table (problems.cpp), keyed by an internal kind: a domain error
// (errc) or an HTTP-level one (http_problem). Handlers and the pipeline never pick a status themselves.
#include <string_view>
#include <variant>

#include "adapters/http/message.hpp"
#include "core/common/result.hpp"

namespace authd::http {

/// Refusals decided by the HTTP layer itself, before or around a use case.
enum class http_problem {
    bad_request,  ///< not valid HTTP
    route_not_found,
    method_not_allowed,
    method_not_implemented,  ///< a method authd implements nowhere
    coding_not_implemented,  ///< a transfer coding other than chunked
    unsupported_media_type,
    malformed_json,
    payload_too_large,
    headers_too_large,
    rate_limited,
    token_missing,            ///< a route that needs a bearer token got none
    validate_token_missing,   ///< /api/v1/auth/validate without a token: its contract says invalid_token
    validate_token_rejected,  ///< /api/v1/auth/validate with a bad token
    internal_error,           ///< keep last: the problem table test counts up to it
};

using problem_kind = std::variant<errc, http_problem>;

/// What the WWW-Authenticate header says on a 401.
enum class auth_challenge { none, bearer, bearer_invalid_token };

struct problem_row {
    problem_kind kind;
    int status;
    std::string_view code;            ///< the stable `code` of the problem details
    std::string_view default_detail;  ///< when the failure brings none
    auth_challenge challenge = auth_challenge::none;
    int retry_after_seconds = 0;  ///< a Retry-After the answer always carries (0: none, or the failure's own)
};

/// The row of a kind; every kind has exactly one (tests/adapters/problems_test.cpp).
const problem_row& problem_of(problem_kind kind);
/// How many rows hold `kind` (the table's test).
int rows_for(problem_kind kind);

/// RFC 9457 problem details from the table, with the request id. `extra_members` is serialized JSON members to
/// append (e.g. `"valid":false`), or empty.
response problem(const request& req, http_problem kind, std::string_view detail = {},
                 std::string_view extra_members = {});

/// A domain failure as problem details: its fields, attempts left, Retry-After and MFA challenge go along.
response problem_from(const request& req, const failure& f);

}  // namespace authd::http
