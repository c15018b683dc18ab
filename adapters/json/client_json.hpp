#pragma once
#include <string>

#include "adapters/json/json.hpp"
#include "core/users/user.hpp"

namespace authd::json {

/// The client object of the clients specification (snake_case), used both in HTTP
/// responses and as the payload of the client.* outbox events. Never a secret in it.
void write_client(writer& w, const user& u);
std::string client_json(const user& u);

}  // namespace authd::json
