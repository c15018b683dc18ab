#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace authd::app {

/// Where the build found Swagger UI's files (node_modules/swagger-ui-dist), the default of DOCS_ASSETS_DIR.
std::string default_docs_assets_dir();

/// Every setting of API.md "Operations", with its default.
struct config {
    std::string host;  ///< empty: 127.0.0.1 in development (its codes are readable), else 0.0.0.0
    int port = 3003;
    std::string database_url = "sqlite:///data/authd.db";
    bool development = false;  ///< APP_ENV=development
    std::string jwt_secret;
    std::string jwt_issuer = "authd";
    std::string jwt_algorithm = "HS256";  ///< HS256, EdDSA, ES256, RS256
    std::string jwt_audience;             ///< aud; empty: none
    std::string jwt_signing_keys_dir;     ///< PEM key files the operator manages; empty: keys in the database
    int jwt_leeway_seconds = 0;
    /// INTROSPECTION_CLIENTS: client id and secret of each service allowed to introspect tokens.
    std::vector<std::pair<std::string, std::string>> introspection_clients;
    std::string db_encryption_key;  ///< seals; DB_ENCRYPTION_KEY, or the first of DB_ENCRYPTION_KEYS
    /// The rest of DB_ENCRYPTION_KEYS: they still open what they sealed (until `authd keys reseal`).
    std::vector<std::string> db_encryption_old_keys;
    std::string db_encryption_keys;
    std::string
        trusted_proxies;  ///< TRUSTED_PROXIES: CIDR blocks whose X-Forwarded-For names the client  ///< DB_ENCRYPTION_KEYS as given: "new,old,..."
    int access_token_expire_minutes = 15;
    int agent_token_ttl_hours = 24;
    int refresh_token_expire_days = 7;
    int refresh_reuse_grace_seconds = 10;
    int session_max_days = 30;
    int session_recheck_ms = 100;
    int otp_ttl_seconds = 300;
    int otp_resend_seconds = 60;
    int otp_lockout_minutes = 15;
    int login_lockout_minutes = 15;
    std::string cors_origins = "https://inventory.yourdomain.com,http://localhost:3000";
    int rate_limit_per_minute = 100;
    int auth_rate_limit_per_minute = 5;
    std::size_t max_body_bytes = 1 << 20;
    std::string redis_url;
    int outbox_relay_interval_ms = 1000;       ///< 0: no relay in this process
    bool outbox_stdout_personal_data = false;  ///< the stdout publisher writes clients' e-mails and names
    int db_pool_size = 8;
    int io_threads = 2;
    int worker_threads = 0;   ///< 0: two per core on SQLite (in-process, CPU-bound), else 8 (waiting on the network)
    int hashing_threads = 0;  ///< 0: one per core
    int hashing_queue = 64;
    int hashing_nice = 0;  ///< how much nicer than the rest the hashing threads run
    int header_timeout_seconds = 5;
    int read_timeout_seconds = 15;
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_ip = 256;
    bool access_log = true;
    bool hsts = false;
    bool agent_phone_proof = false;  ///< new agents are pending until a code sent by SMS proves their number
    std::string tls_cert_file;       ///< with tls_key_file: serve HTTPS only (both or neither)
    std::string tls_key_file;
    std::string seed_admin_password;
    std::string docs_assets_dir = default_docs_assets_dir();  ///< Swagger UI's files for /api/docs
    // Delivery of codes and links (adapters/delivery).
    std::string email_delivery = "console";  ///< console, smtp or webhook
    std::string sms_delivery = "console";    ///< console or webhook
    std::string smtp_host;
    int smtp_port = 587;
    std::string smtp_user;
    std::string smtp_password;
    std::string smtp_tls = "starttls";  ///< starttls, tls (implicit) or none
    bool smtp_verify_certificate = true;
    std::string smtp_ca_file;
    std::string from_email;
    std::string sms_webhook_url;
    std::string email_webhook_url;
    std::string webhook_secret;
    std::string templates_dir;
    std::string app_name = "authd";
    std::string app_url;  ///< where people reach authd: the verification link starts with it
    int delivery_interval_ms = 1000;
    int delivery_max_attempts = 8;
    int reauth_window_minutes = 10;     ///< a sign-in this recent changes a sign-in factor without the password
    int retention_days = 30;            ///< ended rows are deleted this long after they end
    int audit_retention_days = 365;     ///< audit events are deleted this long after they happened
    int cleanup_interval_minutes = 60;  ///< serve's clean-up; 0: only `authd cleanup`
    int delivery_workers = 4;  ///< deliverers per channel in this process: a slow server holds up only one of them
    /// Messages for the operator (e.g. a generated development secret); never holds a secret.
    std::vector<std::string> warnings;
};

/// `authd admin <action> --email E [--role R]`
struct admin_request {
    std::string action;  ///< create-user, set-password, revoke-sessions, unlock
    std::string email;
    std::string role = "admin";  ///< create-user only
};

struct command_line {
    std::string command = "serve";  ///< serve, migrate, seed, cleanup, outbox-relay, admin
    admin_request admin;
    std::string keys_action;  ///< keys: rotate, list
    bool help = false;
    bool version = false;
    config settings;
};

using env_lookup = std::function<std::optional<std::string>(const std::string& name)>;

/// Reads the environment, then flags (`--port 8080` or `--port=8080` override PORT).
/// Returns a one-line reason naming the bad setting, never its value when it is a secret.
std::variant<command_line, std::string> parse_command_line(int argc, const char* const* argv, const env_lookup& env);

/// Applies the secret rules: production refuses a missing, short or well-known secret;
/// development generates one (via `random_secret`) and records a warning.
/// Whether a secret is too weak to use: under 32 bytes, a placeholder of this repository's files or of common examples,
/// under 128 bits by its own alphabet (length times log2 of its distinct characters), or a phrase of lower-case words.
bool weak_secret(const std::string& value);
std::optional<std::string> check_secrets(config& c, const std::function<std::string()>& random_secret);

std::string help_text();

}  // namespace authd::app
