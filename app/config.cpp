#include "app/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string_view>
#include <thread>
#include <tuple>

#include "core/common/validation.hpp"

namespace authd::app {
namespace {

using setter = std::function<std::optional<std::string>(config&, const std::string&)>;

struct setting {
    const char* env;
    const char* help;
    setter set;
    bool secret = false;
};

setter integer(int config::*field, int min, int max) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        int n = 0;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || ptr != v.data() + v.size() || n < min || n > max)
            return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        c.*field = n;
        return std::nullopt;
    };
}

setter size(std::size_t config::*field, std::size_t min, std::size_t max) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        std::size_t n = 0;
        const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || ptr != v.data() + v.size() || n < min || n > max)
            return "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
        c.*field = n;
        return std::nullopt;
    };
}

setter text(std::string config::*field) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        c.*field = v;
        return std::nullopt;
    };
}

setter flag(bool config::*field) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        if (v == "1" || v == "true" || v == "yes" || v == "on") c.*field = true;
        else if (v == "0" || v == "false" || v == "no" || v == "off") c.*field = false;
        else return "must be 1 or 0";
        return std::nullopt;
    };
}

setter one_of(std::string config::*field, std::vector<std::string> allowed) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            return "must be one of " + list;
        }
        c.*field = v;
        return std::nullopt;
    };
}

/// "id:secret,id:secret": the services that may call /oauth2/introspect. Ids are short names; a secret is at least
/// 32 bytes, which no rate of guesses reaches (the route is not rate limited: services share a gateway's address).
setter client_list(std::vector<std::pair<std::string, std::string>> config::*field) {
    return [=](config& c, const std::string& v) -> std::optional<std::string> {
        std::vector<std::pair<std::string, std::string>> clients;
        std::size_t start = 0;
        while (start < v.size()) {
            auto end = v.find(',', start);
            if (end == std::string::npos) end = v.size();
            const std::string item = v.substr(start, end - start);
            start = end + 1;
            const auto colon = item.find(':');
            if (colon == std::string::npos) return "must be id:secret pairs separated by commas";
            std::string id = item.substr(0, colon), secret = item.substr(colon + 1);
            const bool id_ok = !id.empty() && id.size() <= 64 &&
                               std::all_of(id.begin(), id.end(), [](unsigned char ch) {
                                   return std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-';
                               });
            if (!id_ok) return "must have client ids of 1 to 64 letters, digits, '.', '_' or '-'";
            if (secret.size() < 32)
                return "must give each client a secret of at least 32 bytes (" + id + "'s is shorter)";
            for (const auto& [known, unused] : clients)
                if (known == id) return "must name each client once (" + id + " is listed twice)";
            clients.emplace_back(std::move(id), std::move(secret));
        }
        c.*field = std::move(clients);
        return std::nullopt;
    };
}

const std::vector<setting>& settings() {
    static const std::vector<setting> all{
        {"HOST", "address to listen on (0.0.0.0; 127.0.0.1 in development)", text(&config::host)},
        {"PORT", "port to listen on (3003)", integer(&config::port, 0, 65535)},
        {"DATABASE_URL", "sqlite:///data/authd.db, postgresql://u:p@host:5432/db or mysql://u:p@host:3306/db",
         text(&config::database_url), true},
        {"APP_ENV", "production (default) or development (debug codes, /api/v1/dev/messages)",
         [](config& c, const std::string& v) -> std::optional<std::string> {
             if (v != "production" && v != "development") return "must be production or development";
             c.development = v == "development";
             return std::nullopt;
         }},
        {"JWT_SECRET_KEY", "HS256 key, at least 32 bytes (required in production under HS256)",
         text(&config::jwt_secret), true},
        {"JWT_ISSUER", "iss claim of access tokens (authd)", text(&config::jwt_issuer)},
        {"JWT_ALGORITHM",
         "HS256 (JWT_SECRET_KEY), or EdDSA, ES256 or RS256: key pairs in the database, published at "
         "/.well-known/jwks.json (HS256)",
         one_of(&config::jwt_algorithm, {"HS256", "EdDSA", "ES256", "RS256"})},
        {"JWT_SIGNING_KEYS_DIR",
         "directory of PEM signing keys an operator manages (<kid>.pem private, <kid>.pub.pem public only; the private "
         "key named last signs) instead of key pairs in the database (none)",
         text(&config::jwt_signing_keys_dir)},
        {"JWT_AUDIENCE", "aud claim of access tokens, checked when set (none)", text(&config::jwt_audience)},
        {"JWT_LEEWAY_SECONDS", "clock skew allowed when checking exp, nbf and iat (0)",
         integer(&config::jwt_leeway_seconds, 0, 300)},
        {"INTROSPECTION_CLIENTS",
         "services that may call /oauth2/introspect: id:secret pairs, comma-separated, secrets at least 32 bytes "
         "(none: the route refuses everyone)",
         client_list(&config::introspection_clients), true},
        {"DB_ENCRYPTION_KEY", "key for secrets at rest, at least 32 bytes (required in production)",
         text(&config::db_encryption_key), true},
        {"DB_ENCRYPTION_KEYS",
         "instead of DB_ENCRYPTION_KEY, a list to change it: new,old,...: the first seals, every one opens (none)",
         text(&config::db_encryption_keys), true},
        {"ACCESS_TOKEN_EXPIRE_MINUTES", "user access token lifetime (15)",
         integer(&config::access_token_expire_minutes, 1, 24 * 60)},
        {"AGENT_TOKEN_TTL_HOURS", "agent access token lifetime (24)",
         integer(&config::agent_token_ttl_hours, 1, 24 * 30)},
        {"REFRESH_TOKEN_EXPIRE_DAYS", "refresh token lifetime (7)",
         integer(&config::refresh_token_expire_days, 1, 365)},
        {"REFRESH_REUSE_GRACE_SECONDS", "a rotated refresh token still works this long (10)",
         integer(&config::refresh_reuse_grace_seconds, 0, 300)},
        {"SESSION_MAX_DAYS", "a session ends this long after sign-in however often it is refreshed (30)",
         integer(&config::session_max_days, 1, 3650)},
        {"SESSION_RECHECK_MS",
         "a session seen live, and an account read for /api/auth/me, are trusted from memory this long before the "
         "database is read again: the bound within which another instance's logout, disable or profile change is "
         "seen (100; 0: read it for every request)",
         integer(&config::session_recheck_ms, 0, 60000)},
        {"OTP_TTL_SECONDS", "OTP code lifetime (300)", integer(&config::otp_ttl_seconds, 30, 3600)},
        {"OTP_RESEND_SECONDS", "minimum time between two codes (60)", integer(&config::otp_resend_seconds, 0, 3600)},
        {"OTP_LOCKOUT_MINUTES", "lock after 5 wrong codes (15)", integer(&config::otp_lockout_minutes, 1, 24 * 60)},
        {"LOGIN_LOCKOUT_MINUTES", "lock after 5 failed logins (15)",
         integer(&config::login_lockout_minutes, 1, 24 * 60)},
        {"TRUSTED_PROXIES",
         "proxies whose X-Forwarded-For names the client: addresses or CIDR blocks, comma-separated (none: the peer "
         "is the client)",
         text(&config::trusted_proxies)},
        {"CORS_ORIGINS", "comma-separated allowed origins", text(&config::cors_origins)},
        {"RATE_LIMIT_PER_MINUTE", "requests per client per minute, 0 = off (100)",
         integer(&config::rate_limit_per_minute, 0, 1000000)},
        {"AUTH_RATE_LIMIT_PER_MINUTE", "credential requests per IP per minute, 0 = off (5)",
         integer(&config::auth_rate_limit_per_minute, 0, 1000000)},
        {"MAX_BODY_BYTES", "largest request body (1048576)", size(&config::max_body_bytes, 1024, 64 << 20)},
        {"REDIS_URL", "redis://host:6379 for shared rate limits and outbox publishing (optional)",
         text(&config::redis_url), true},
        {"OUTBOX_RELAY_INTERVAL_MS", "how often the outbox relay publishes, 0 = not in this process (1000)",
         integer(&config::outbox_relay_interval_ms, 0, 3600000)},
        {"OUTBOX_STDOUT_PERSONAL_DATA",
         "without REDIS_URL, write clients' e-mails and names in outbox lines, 1 or 0 (0)",
         flag(&config::outbox_stdout_personal_data)},
        {"DB_POOL_SIZE", "database connections (8)", integer(&config::db_pool_size, 1, 256)},
        {"IO_THREADS", "network threads (2)", integer(&config::io_threads, 1, 64)},
        {"WORKER_THREADS", "threads for database work, 0 = two per core on SQLite, else 8 (0)",
         integer(&config::worker_threads, 0, 256)},
        {"HASHING_THREADS", "threads for password hashing, 0 = one per core (0)",
         integer(&config::hashing_threads, 0, 64)},
        {"HASHING_QUEUE", "password hashes waiting before 503 (64)", integer(&config::hashing_queue, 1, 100000)},
        {"HASHING_NICE",
         "how much nicer than authd's other threads the hashing threads run, 0 to 19: under a login flood, token "
         "checks keep their cores and logins wait; it also yields to other busy processes of authd's session or "
         "cgroup (0)",
         integer(&config::hashing_nice, 0, 19)},
        {"HEADER_TIMEOUT_SECONDS", "time a client has to send a request's headers (5)",
         integer(&config::header_timeout_seconds, 1, 600)},
        {"READ_TIMEOUT_SECONDS", "time a client has to send a whole request (15)",
         integer(&config::read_timeout_seconds, 1, 600)},
        {"MAX_CONNECTIONS", "open connections at once; more are closed at once (10000)",
         size(&config::max_connections, 1, 1000000)},
        {"MAX_CONNECTIONS_PER_IP",
         "open connections of one client address, IPv6 per /64; TRUSTED_PROXIES are not held to it (256)",
         size(&config::max_connections_per_ip, 1, 1000000)},
        {"ACCESS_LOG", "one JSON line per request on stdout, 1 or 0 (1)", flag(&config::access_log)},
        {"HSTS", "send Strict-Transport-Security, 1 or 0 (0)", flag(&config::hsts)},
        {"TLS_CERT_FILE", "PEM certificate (chain): serve HTTPS only, with TLS_KEY_FILE (off)",
         text(&config::tls_cert_file)},
        {"TLS_KEY_FILE", "PEM private key of TLS_CERT_FILE (off)", text(&config::tls_key_file)},
        {"SEED_ADMIN_PASSWORD", "password of admin@example.com for `authd seed` (random if unset)",
         text(&config::seed_admin_password), true},
        {"DOCS_ASSETS_DIR", "Swagger UI's files for /api/docs (node_modules/swagger-ui-dist of the build)",
         text(&config::docs_assets_dir)},
        {"EMAIL_DELIVERY", "how e-mail leaves: console, smtp or webhook (console: printed, not delivered)",
         one_of(&config::email_delivery, {"console", "smtp", "webhook"})},
        {"SMS_DELIVERY", "how SMS leaves: console or webhook (console: printed, not delivered)",
         one_of(&config::sms_delivery, {"console", "webhook"})},
        {"SMTP_HOST", "SMTP server, for EMAIL_DELIVERY=smtp", text(&config::smtp_host)},
        {"SMTP_PORT", "SMTP port (587)", integer(&config::smtp_port, 1, 65535)},
        {"SMTP_USER", "SMTP user name (none: no authentication)", text(&config::smtp_user)},
        {"SMTP_PASSWORD", "SMTP password", text(&config::smtp_password), true},
        {"SMTP_TLS", "starttls (default), tls (implicit, port 465) or none (loopback only)",
         one_of(&config::smtp_tls, {"starttls", "tls", "none"})},
        {"SMTP_VERIFY_CERTIFICATE", "check the SMTP server's certificate, 1 or 0 (1)",
         flag(&config::smtp_verify_certificate)},
        {"SMTP_CA_FILE", "CA bundle that replaces the system's for the SMTP server's certificate (off)",
         text(&config::smtp_ca_file)},
        {"FROM_EMAIL", "sender of e-mail, e.g. \"Example <no-reply@example.com>\"", text(&config::from_email)},
        {"SMS_WEBHOOK_URL", "https:// URL that receives SMS as signed JSON, for SMS_DELIVERY=webhook",
         text(&config::sms_webhook_url)},
        {"EMAIL_WEBHOOK_URL", "https:// URL that receives e-mail as signed JSON, for EMAIL_DELIVERY=webhook",
         text(&config::email_webhook_url)},
        {"WEBHOOK_SECRET", "HMAC-SHA256 key that signs webhook bodies, at least 32 bytes",
         text(&config::webhook_secret), true},
        {"TEMPLATES_DIR", "folder of message templates that replace the built-in ones (off)",
         text(&config::templates_dir)},
        {"APP_NAME", "product name in messages and authenticator apps (authd)", text(&config::app_name)},
        {"APP_URL", "public URL of authd (https://auth.example.com): links in e-mail start with it",
         text(&config::app_url)},
        {"DELIVERY_INTERVAL_MS", "how often the deliverer looks for due messages (1000)",
         integer(&config::delivery_interval_ms, 10, 3600000)},
        {"DELIVERY_MAX_ATTEMPTS", "failed attempts before a message is dead (8)",
         integer(&config::delivery_max_attempts, 1, 100)},
        {"REAUTH_WINDOW_MINUTES",
         "a sign-in this recent turns TOTP on, or changes an agent's e-mail, without the password (10)",
         integer(&config::reauth_window_minutes, 1, 1440)},
        {"RETENTION_DAYS", "days ended codes, tokens, sessions and sent messages are kept before deletion (30)",
         integer(&config::retention_days, 1, 3650)},
        {"AGENT_PHONE_PROOF",
         "new agents stay pending until they verify a code sent by SMS; e-mailed codes only for proven numbers, "
         "1 or 0 (0)",
         flag(&config::agent_phone_proof)},
        {"AUDIT_RETENTION_DAYS", "days audit events are kept before deletion (365)",
         integer(&config::audit_retention_days, 1, 36500)},
        {"CLEANUP_INTERVAL_MINUTES", "how often serve deletes what RETENTION_DAYS lets go; 0: never (60)",
         integer(&config::cleanup_interval_minutes, 0, 10080)},
        {"DELIVERY_WORKERS", "messages sent at once per channel by this process (4)",
         integer(&config::delivery_workers, 1, 32)},
    };
    return all;
}

/// --database-url <-> DATABASE_URL
std::string env_name_of_flag(std::string_view flag) {
    std::string out(flag);
    for (auto& ch : out) ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

/// TLS_CERT_FILE and TLS_KEY_FILE: both or neither, and both readable (their content is checked at start).
std::optional<std::string> check_tls_files(const config& c) {
    if (c.tls_cert_file.empty() != c.tls_key_file.empty())
        return std::string(c.tls_cert_file.empty() ? "TLS_KEY_FILE is set without TLS_CERT_FILE"
                                                   : "TLS_CERT_FILE is set without TLS_KEY_FILE") +
               ": set both or neither";
    for (const auto& [name, path] : {std::pair<const char*, const std::string*>{"TLS_CERT_FILE", &c.tls_cert_file},
                                     std::pair<const char*, const std::string*>{"TLS_KEY_FILE", &c.tls_key_file}}) {
        if (path->empty()) continue;
        std::ifstream file(*path);
        if (!file) return std::string(name) + " cannot be read: " + *path;
    }
    return std::nullopt;
}

/// A secret file's content, less the line end an editor or `echo` adds; nothing when it cannot be read.
std::optional<std::string> read_secret_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad()) return std::nullopt;
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    return content;
}

bool is_http_url(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

/// Whether a host name is this machine: traffic to it never crosses a network.
bool is_loopback(std::string_view host) {
    if (host == "localhost" || host == "::1" || host == "[::1]") return true;
    // 127.0.0.0/8, written as an address: "127.0.0.1.example.com" is a name anyone can point anywhere.
    const bool ipv4 =
        std::all_of(host.begin(), host.end(), [](char ch) { return ch == '.' || (ch >= '0' && ch <= '9'); });
    return ipv4 && host.starts_with("127.");
}

/// The host of an http(s):// URL (without port, user or path).
std::string_view url_host(std::string_view url) {
    url.remove_prefix(url.find("://") + 3);
    url = url.substr(0, url.find_first_of("/?#"));
    if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    if (url.starts_with('[')) return url.substr(0, url.find(']') + 1);
    return url.substr(0, url.find(':'));
}

/// In production, codes never cross a network in clear text: a webhook over http:// and SMTP without TLS are for a
/// relay on this machine only.
std::optional<std::string> check_delivery_in_clear(const config& c) {
    if (c.development) return std::nullopt;
    for (const auto& [name, url, used] : {std::tuple{"EMAIL_WEBHOOK_URL", &c.email_webhook_url, c.email_delivery},
                                          std::tuple{"SMS_WEBHOOK_URL", &c.sms_webhook_url, c.sms_delivery}})
        if (used == "webhook" && ascii_lower(url->substr(0, 7)) == "http://" && !is_loopback(url_host(*url)))
            return std::string(name) + " must be https:// in production (http:// only to a loopback address)";
    if (c.email_delivery == "smtp" && c.smtp_tls == "none" && !is_loopback(c.smtp_host))
        return "SMTP_TLS=none sends codes in clear text: in production only to a loopback SMTP_HOST";
    return std::nullopt;
}

/// Each delivery channel has what it needs, and production says once that console delivery delivers nothing.
std::optional<std::string> check_delivery(config& c) {
    if (c.email_delivery == "smtp" && (c.smtp_host.empty() || c.from_email.empty()))
        return "EMAIL_DELIVERY=smtp needs SMTP_HOST and FROM_EMAIL";
    if (c.email_delivery == "webhook" && !is_http_url(c.email_webhook_url))
        return "EMAIL_DELIVERY=webhook needs EMAIL_WEBHOOK_URL, an http(s):// URL";
    if (c.sms_delivery == "webhook" && !is_http_url(c.sms_webhook_url))
        return "SMS_DELIVERY=webhook needs SMS_WEBHOOK_URL, an http(s):// URL";
    const bool webhook = c.email_delivery == "webhook" || c.sms_delivery == "webhook";
    if (webhook && c.webhook_secret.size() < 32) return "WEBHOOK_SECRET must be at least 32 bytes for webhook delivery";
    if (!c.app_url.empty() && !is_http_url(c.app_url)) return "APP_URL must be an http(s):// URL";
    while (!c.app_url.empty() && c.app_url.back() == '/') c.app_url.pop_back();
    if (auto clear = check_delivery_in_clear(c)) return clear;
    if (!c.development && c.email_delivery == "smtp" && !c.smtp_verify_certificate)
        c.warnings.push_back("SMTP_VERIFY_CERTIFICATE=0: anyone on the path to SMTP_HOST can read the codes");
    if (!c.development && (c.email_delivery == "console" || c.sms_delivery == "console"))
        c.warnings.push_back(std::string("codes and links are not delivered: ") +
                             (c.email_delivery == "console" ? "EMAIL_DELIVERY" : "SMS_DELIVERY") +
                             "=console only prints that a message was due (set EMAIL_DELIVERY and SMS_DELIVERY)");
    return std::nullopt;
}

/// DB_ENCRYPTION_KEYS=new,old,...: the first becomes the sealing key, the rest keys that only open. Each at least 32
/// bytes; DB_ENCRYPTION_KEY beside it only when it is the same first key (a deployment moving to the list).
std::optional<std::string> take_encryption_keys(config& c) {
    if (c.db_encryption_keys.empty()) return std::nullopt;
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (start <= c.db_encryption_keys.size()) {
        auto end = c.db_encryption_keys.find(',', start);
        if (end == std::string::npos) end = c.db_encryption_keys.size();
        keys.push_back(c.db_encryption_keys.substr(start, end - start));
        start = end + 1;
    }
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (keys[i].size() < 32)
            return "DB_ENCRYPTION_KEYS: key " + std::to_string(i + 1) + " is shorter than 32 bytes";
        for (std::size_t j = 0; j < i; ++j)
            if (keys[j] == keys[i]) return "DB_ENCRYPTION_KEYS: key " + std::to_string(i + 1) + " is listed twice";
    }
    if (!c.db_encryption_key.empty() && c.db_encryption_key != keys.front())
        return std::string(
            "DB_ENCRYPTION_KEY and DB_ENCRYPTION_KEYS disagree: set only DB_ENCRYPTION_KEYS, whose first "
            "key seals");
    c.db_encryption_key = keys.front();
    c.db_encryption_old_keys.assign(keys.begin() + 1, keys.end());
    return std::nullopt;
}

const setting* find_setting(const std::string& env) {
    for (const auto& s : settings())
        if (env == s.env) return &s;
    return nullptr;
}
}  // namespace

std::string default_docs_assets_dir() {
#ifdef AUTHD_DOCS_ASSETS_DIR
    return AUTHD_DOCS_ASSETS_DIR;
#else
    return "node_modules/swagger-ui-dist";
#endif
}

std::variant<command_line, std::string> parse_command_line(int argc, const char* const* argv, const env_lookup& env) {
    command_line out;
    for (const auto& s : settings()) {
        auto v = env(s.env);
        // A secret may come from a file instead (Docker and Kubernetes secrets): NAME_FILE names it.
        if (const auto path = s.secret ? env(std::string(s.env) + "_FILE") : std::nullopt) {
            if (v) return std::string(s.env) + " and " + s.env + "_FILE are both set: set one";
            v = read_secret_file(*path);
            if (!v) return std::string(s.env) + "_FILE cannot be read: " + *path;
        }
        if (v)
            if (auto e = s.set(out.settings, *v)) return std::string(s.env) + " " + *e;
    }
    bool command_seen = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            continue;
        }
        if (arg == "--version") {
            out.version = true;
            continue;
        }
        if (arg.rfind("--", 0) == 0) {
            std::string name = arg.substr(2), value;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                return "--" + name + " needs a value";
            }
            // The admin command's own arguments.
            if (out.command == "admin" && (name == "email" || name == "role")) {
                (name == "email" ? out.admin.email : out.admin.role) = value;
                continue;
            }
            const auto* s = find_setting(env_name_of_flag(name));
            if (!s) return "unknown option --" + name + " (see --help)";
            if (auto e = s->set(out.settings, value)) return "--" + name + " " + *e;
            if (s->secret)
                out.settings.warnings.push_back("--" + name +
                                                " shows in the process list (ps) to every user of this "
                                                "machine: set " +
                                                s->env + " or " + s->env + "_FILE instead");
            continue;
        }
        if (command_seen && out.command == "admin" && out.admin.action.empty()) {
            if (arg != "create-user" && arg != "set-password" && arg != "revoke-sessions" && arg != "unlock")
                return "unknown admin action " + arg + " (see --help)";
            out.admin.action = arg;
            continue;
        }
        if (command_seen && out.command == "keys" && out.keys_action.empty()) {
            if (arg != "rotate" && arg != "list" && arg != "reseal")
                return "unknown keys action " + arg + " (see --help)";
            out.keys_action = arg;
            continue;
        }
        if (command_seen) return "unexpected argument " + arg + " (see --help)";
        if (arg != "serve" && arg != "migrate" && arg != "seed" && arg != "outbox-relay" && arg != "cleanup" &&
            arg != "admin" && arg != "keys")
            return "unknown command " + arg + " (see --help)";
        out.command = arg;
        command_seen = true;
    }
    if (out.command == "admin" && (out.admin.action.empty() || out.admin.email.empty()))
        return "admin needs an action and --email (see --help)";
    if (out.command == "keys" && out.keys_action.empty())
        return "keys needs an action: rotate, list or reseal (see --help)";
    if (auto e = check_tls_files(out.settings)) return *e;
    if (auto e = check_delivery(out.settings)) return *e;
    if (auto e = take_encryption_keys(out.settings)) return *e;
    if (out.settings.redis_url.rfind("rediss://", 0) == 0)
        return "REDIS_URL: rediss:// (TLS) is not supported: Debian's hiredis is built without TLS. Keep Redis on a "
               "private network, or run a TLS tunnel (stunnel, spiped) and give its local end as redis://";
    if (!out.settings.jwt_signing_keys_dir.empty() && out.settings.jwt_algorithm == "HS256")
        return "JWT_SIGNING_KEYS_DIR holds key pairs: set JWT_ALGORITHM to EdDSA, ES256 or RS256";
    // Development hands every code to anyone who asks /api/v1/dev/messages: only this machine may, unless HOST says.
    if (out.settings.host.empty()) out.settings.host = out.settings.development ? "127.0.0.1" : "0.0.0.0";
    if (out.settings.hashing_threads == 0)
        out.settings.hashing_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return out;
}

bool weak_secret(const std::string& v) {
    if (v.size() < 32) return true;
    // The placeholders of this repository's own files (docker/.env.example, the README) and of common examples.
    std::string lower = v;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    for (const std::string_view placeholder : {"change-me", "changeme", "change_me", "replace-with", "replace_me",
                                               "your-secret", "your-256-bit-secret", "random-bytes", "example"})
        if (lower.find(placeholder) != std::string::npos) return true;
    // Low entropy by its own alphabet: one repeated character, or a few, gives far less than 128 bits however long.
    // A random 32-byte value in hex (16 symbols), base32, base64 or raw bytes is well above.
    std::string distinct = v;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (static_cast<double>(v.size()) * std::log2(static_cast<double>(distinct.size())) < 128.0) return true;
    // A phrase: lower-case words with separators ("my-super-secret-jwt-signing-key"), guessed from a dictionary long
    // before its length says. Random encodings have digits or upper case, and base32 no separators.
    const bool words_only = std::all_of(v.begin(), v.end(), [](unsigned char ch) {
        return (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_' || ch == ' ' || ch == '.';
    });
    return words_only && v.find_first_of("-_ .") != std::string::npos;
}

std::optional<std::string> check_secrets(config& c, const std::function<std::string()>& random_secret) {
    const auto weak = [](const std::string& v) { return weak_secret(v); };
    struct secret_setting {
        const char* name;
        std::string config::*field;
    };
    for (const auto& [name, field] : {secret_setting{"JWT_SECRET_KEY", &config::jwt_secret},
                                      secret_setting{"DB_ENCRYPTION_KEY", &config::db_encryption_key}}) {
        std::string& value = c.*field;
        if (!weak(value)) continue;
        // An asymmetric JWT_ALGORITHM signs with key pairs: JWT_SECRET_KEY then has nothing to sign and may be unset.
        if (field == &config::jwt_secret && value.empty() && c.jwt_algorithm != "HS256") continue;
        // A key that is set but weak is a mistake in every mode: replacing it in development would make whatever
        // was sealed with it unreadable after the next restart, without a word.
        if (!value.empty())
            return std::string(name) +
                   " is too short, a placeholder or guessable: use at least 32 random bytes "
                   "(head -c 32 /dev/urandom | base64)";
        if (!c.development) return std::string(name) + " is required in production (or set APP_ENV=development)";
        value = random_secret();
        c.warnings.push_back(std::string(name) + " was not set: a random one was generated for this run; " +
                             (field == &config::jwt_secret
                                  ? "every token ends at restart"
                                  : "TOTP secrets and recovery codes stored now are unreadable after a restart"));
    }
    return std::nullopt;
}

std::string help_text() {
    std::string out =
        "authd — authentication and identity service\n\n"
        "Usage: authd [serve|migrate|seed|cleanup|admin|keys|outbox-relay] [--option value ...]\n\n"
        "  serve    run the HTTP service (the default); migrations are applied first\n"
        "  migrate  apply pending database migrations and exit\n"
        "  seed     load sample data (harmless to run twice) and exit\n"
        "  cleanup  delete what ended more than RETENTION_DAYS ago (audit events:\n"
        "           AUDIT_RETENTION_DAYS), print the counts and exit\n"
        "  admin create-user --email E [--role admin|staff|customer]\n"
        "           a new account; its password is read from standard input, or generated and printed once\n"
        "  admin set-password --email E    the password from standard input; ends every session\n"
        "  admin revoke-sessions --email E\n"
        "  admin unlock --email E          clears the failed-login lock\n"
        "  keys rotate  a new token signing key (JWT_ALGORITHM EdDSA, ES256, RS256); the previous one\n"
        "               verifies until its tokens have expired\n"
        "  keys list    the signing keys: id, state, age\n"
        "  keys reseal  seal every stored secret again under the first key of DB_ENCRYPTION_KEYS\n"
        "  outbox-relay  publish the outbox (to REDIS_URL, else as JSON lines) until stopped\n\n"
        "Options (each also read from the environment variable in capitals):\n";
    for (const auto& s : settings()) {
        std::string flag = "--";
        for (const char ch : std::string_view(s.env)) flag += ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
        out += "  " + flag + std::string(flag.size() < 32 ? 32 - flag.size() : 1, ' ') + s.help + "\n";
    }
    out += "  --help, --version\n";
    return out;
}

}  // namespace authd::app
