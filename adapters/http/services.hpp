#pragma once
#include <functional>
#include <string>

#include <utility>
#include <vector>

#include "adapters/http/metrics.hpp"
#include "core/ports/rate_limiter.hpp"

#include "core/agents/agent_service.hpp"
#include "core/catalog/catalog_service.hpp"
#include "core/clients/client_service.hpp"
#include "core/events/event_service.hpp"
#include "core/mfa/totp_service.hpp"
#include "core/otp/otp_service.hpp"
#include "core/ports/notifier.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/auth_service.hpp"
#include "core/users/profile_service.hpp"
#include "core/users/user_admin_service.hpp"

namespace authd::http {

/// The use cases the HTTP adapter drives, handed over by the composition root.
struct services {
    auth_service& auth;
    token_service& tokens;
    totp_service& totp;
    client_service& clients;
    agent_service& agents;
    otp_service& otp;
    event_service& events;
    catalog_service& catalog;
    profile_service& profile;
    user_admin_service& admin;
    std::function<bool()> database_ready;
    /// Connections in use, and the pool's size.
    std::function<std::pair<int, int>()> pool_usage;
    http::metrics& metrics;
    rate_limiter& rate_limits;
    bool shared_rate_limits = false;  ///< Redis: /health reports it
    /// Messages the mock notifier sent, newest first (development mode only).
    std::function<std::vector<outgoing_message>()> recent_messages;
    bool development = false;
    /// Swagger UI's files (swagger-ui-dist) for /api/docs/<asset>; missing: those answer 404.
    std::string docs_assets_dir = {};
};

}  // namespace authd::http
