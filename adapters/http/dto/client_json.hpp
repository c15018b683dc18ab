#pragma once
#include <string>

#include "adapters/json/json.hpp"
#include "core/users/user.hpp"

namespace authd::json {

/// The client object of the HTTP API (snake_case). Never a secret in it. The outbox has its own writer
/// (integration_events.hpp).
void write_client(writer& w, const user& u);
std::string client_json(const user& u);

}  // namespace authd::json
