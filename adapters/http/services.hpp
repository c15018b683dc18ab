#pragma once
#include <functional>

#include "core/sessions/token_service.hpp"
#include "core/users/auth_service.hpp"

namespace authd::http {

/// The use cases the HTTP adapter drives, handed over by the composition root.
struct services {
    auth_service& auth;
    token_service& tokens;
    std::function<bool()> database_ready;
    bool development = false;
};

}  // namespace authd::http
