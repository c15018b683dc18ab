#pragma once
#include "adapters/http/responses.hpp"
#include "adapters/json/json.hpp"
#include "core/users/user.hpp"

namespace authd::http {

/// The user object of API.md "Users" (camelCase).
void write_user(json::writer& w, const user& u);
/// 200 with the user object.
response user_response(const user& u);

}  // namespace authd::http
