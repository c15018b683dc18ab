#pragma once
// Successful answers. Refusals come from the problem table (problems.hpp), included here for the handlers.
#include <string>

#include "adapters/http/message.hpp"
#include "adapters/http/problems.hpp"

namespace authd::http {

response json_response(int status, std::string body);
response no_content();

}  // namespace authd::http
