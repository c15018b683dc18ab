#include "adapters/http/routes.hpp"

namespace authd::http {

router make_routes(services& s) {
    router r;
    add_health_routes(r, s);
    add_discovery_routes(r, s);
    add_user_auth_routes(r, s);
    add_mfa_routes(r, s);
    add_client_routes(r, s);
    add_password_routes(r, s);
    add_email_link_pages(r, s);
    add_profile_routes(r, s);
    add_admin_routes(r, s);
    add_message_admin_routes(r, s);
    add_token_routes(r, s);
    add_agent_routes(r, s);
    add_event_routes(r, s);
    add_catalog_routes(r, s);
    add_docs_routes(r, s);
    // Absent, hence 404, outside development mode.
    if (s.development) add_dev_routes(r, s);
    return r;
}

}  // namespace authd::http
