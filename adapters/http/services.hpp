#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <utility>
#include <vector>

#include "adapters/http/metrics.hpp"
#include "core/common/lookup_counts.hpp"
#include "core/ports/rate_limiter.hpp"

#include "core/agents/agent_service.hpp"
#include "core/audit/audit_trail.hpp"
#include "core/catalog/catalog_service.hpp"
#include "core/clients/client_service.hpp"
#include "core/delivery/message.hpp"
#include "core/delivery/message_admin.hpp"
#include "core/events/event_service.hpp"
#include "core/keys/signing_keys.hpp"
#include "core/mfa/totp_service.hpp"
#include "core/otp/otp_service.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/auth_service.hpp"
#include "core/users/email_change_service.hpp"
#include "core/users/password_service.hpp"
#include "core/users/profile_service.hpp"
#include "core/users/user_admin_service.hpp"

namespace authd::http {

/// A message the console channel printed (development mode keeps the last ones for /api/v1/dev/messages).
struct dev_message {
    channel via = channel::sms;
    std::string to, subject, body;
    time_point sent_at{};
};

/// One delivery channel, as /health and /metrics show it.
struct channel_report {
    std::string kind;          ///< console, smtp or webhook
    std::int64_t backlog = 0;  ///< pending messages, as the deliverer last counted them
    /// Since this process started: messages its requests queued (committed), and the outcomes of its deliverer's
    /// attempts; expired: messages whose code expired before they could be sent.
    std::int64_t queued = 0, sent = 0, retried = 0, dead = 0, expired = 0;
};

struct delivery_report {
    channel_report email, sms;
};

/// SQLite's group commit since the process started: transactions (batches) and the writes they held.
struct batched_writes {
    std::uint64_t batches = 0;
    std::uint64_t writes = 0;
};

/// The in-memory caches behind token checks: how often they answered without the database or a signature check.
struct cache_report {
    lookup_counts sessions;                   ///< the session view (SESSION_RECHECK_MS)
    std::optional<lookup_counts> signatures;  ///< remembered signatures; only with an asymmetric JWT_ALGORITHM
};

/// A service allowed to ask /oauth2/introspect (INTROSPECTION_CLIENTS).
struct introspection_client {
    std::string id;
    std::string secret;
};

/// What the discovery document and introspection say about the tokens.
struct discovery_settings {
    std::string issuer;      ///< JWT_ISSUER
    std::string audience;    ///< JWT_AUDIENCE; empty: none
    std::string algorithm;   ///< JWT_ALGORITHM
    std::string public_url;  ///< APP_URL; empty: the request's Host
    std::vector<introspection_client> introspection_clients;
};

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
    message_admin& messages;
    password_service& passwords;
    email_change_service& email_changes;
    audit_trail& audit;
    /// The signing keys when JWT_ALGORITHM is asymmetric; null with HS256.
    signing_keys* signing;
    /// Rotates the signing keys for `actor` and signs with the new key at once in this process; the new kid.
    std::function<std::string(std::string_view actor)> rotate_keys;
    /// The JWK Set of /.well-known/jwks.json.
    std::function<std::string()> jwks;
    std::function<bool()> database_ready;
    /// Connections in use, and the pool's size.
    std::function<std::pair<int, int>()> pool_usage;
    /// SQLite: the transactions in which its writers committed together so far, and the writes they held; nothing on
    /// the other databases.
    std::function<std::optional<batched_writes>()> batched_writes_so_far;
    std::function<cache_report()> cache_lookups;
    http::metrics& metrics;
    rate_limiter& rate_limits;
    bool shared_rate_limits = false;  ///< Redis: /health reports it
    /// Messages the console channel printed, newest first (development mode only).
    std::function<std::vector<dev_message>()> recent_messages;
    /// Each delivery channel's kind, counts, and backlog as its deliverer last read it (no database read here).
    std::function<delivery_report()> delivery;
    bool development = false;
    /// Swagger UI's files (swagger-ui-dist) for /api/docs/<asset>; missing: those answer 404.
    std::string docs_assets_dir = {};
    discovery_settings discovery = {};
    /// Runs work a request asked for after its answer has gone, in order (the password reset request).
    std::function<void(std::function<void()>)> after_answer = {};
};

}  // namespace authd::http
