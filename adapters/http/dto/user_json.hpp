#pragma once
#include "adapters/json/json.hpp"
#include "core/users/user.hpp"

namespace authd::http {

/// The user object of API.md "Users" (camelCase).
void write_user(json::writer& w, const user& u);

}  // namespace authd::http
