#pragma once
#include "adapters/http/router.hpp"
#include "adapters/http/services.hpp"

namespace authd::http {

/// The whole route table of API.md.
router make_routes(services& s);

/// A handler of the table: the services and the exchange. bind() makes it the route's handler.
using endpoint_fn = response (*)(services&, exchange&);
inline route_handler bind(services& s, endpoint_fn fn) {
    return [&s, fn](exchange& x) { return fn(s, x); };
}

// One function per group, each in handlers/.
void add_health_routes(router& r, services& s);
void add_user_auth_routes(router& r, services& s);
void add_mfa_routes(router& r, services& s);  ///< /api/auth/mfa/*
/// /api/v1/clients*, /api/v1/auth/login, verify_mfa, /api/v1/me
void add_client_routes(router& r, services& s);
/// /api/auth/password/* and /api/v1/auth/password/*: forgot, reset, change
void add_password_routes(router& r, services& s);
/// /verify-email and /reset-password: the pages e-mailed links open
void add_email_link_pages(router& r, services& s);
/// profile, preferences, sessions of the caller
void add_profile_routes(router& r, services& s);
/// /api/admin/*
void add_admin_routes(router& r, services& s);
/// /api/admin/messages/*: dead messages
void add_message_admin_routes(router& r, services& s);
void add_token_routes(router& r, services& s);
void add_agent_routes(router& r, services& s);
void add_event_routes(router& r, services& s);
void add_catalog_routes(router& r, services& s);
void add_dev_routes(router& r, services& s);
void add_docs_routes(router& r, services& s);  ///< /api/openapi.json, /api/docs
/// /.well-known/jwks.json, /.well-known/openid-configuration (and oauth-authorization-server), /oauth2/introspect
void add_discovery_routes(router& r, services& s);

}  // namespace authd::http
