#pragma once
// Records every exchange of the end-to-end suite, so that tests/http/openapi_check.mjs can hold each one against
// docs/openapi.json after the suite has run. The directory is fixed at build time (AUTHD_EXCHANGE_DIR); the CTest
// fixture "openapi_exchanges" empties it before the suite and checks it after.
#include <string>
#include <utility>
#include <vector>

#include "tests/support/http_client.hpp"

namespace authd::test {

/// Appends one JSON line (method, target, request headers and body, status, response headers and body) to
/// AUTHD_EXCHANGE_DIR/<pid>.jsonl. Each test process writes its own file, so parallel runs never interleave.
void log_exchange(const std::string& method, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& request_headers,
                  const std::string& request_body, const http_reply& reply);

}  // namespace authd::test
