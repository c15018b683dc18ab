#include "app/composition_root.hpp"

#include <thread>

#include "adapters/crypto/aes_gcm_box.hpp"
#include "adapters/crypto/jwt_hs256.hpp"
#include "adapters/crypto/openssl_random.hpp"
#include "adapters/crypto/password_hashing.hpp"
#include "adapters/crypto/sha256.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/metrics.hpp"
#include "adapters/http/pipeline.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/http/server.hpp"
#include "adapters/notify/console_notifier.hpp"
#include "adapters/publish/stdout_publisher.hpp"
#include "adapters/ratelimit/failover_rate_limiter.hpp"
#include "adapters/ratelimit/memory_rate_limiter.hpp"
#include "adapters/redis/redis_publisher.hpp"
#include "adapters/redis/redis_rate_limiter.hpp"
#include "adapters/storage/soci_store.hpp"
#include "app/relay_runner.hpp"
#include "app/seed.hpp"
#include "core/agents/agent_service.hpp"
#include "core/catalog/catalog_service.hpp"
#include "core/clients/client_service.hpp"
#include "core/events/event_service.hpp"
#include "core/mfa/second_factor.hpp"
#include "core/mfa/totp_service.hpp"
#include "core/otp/otp_service.hpp"
#include "core/outbox/outbox_relay.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/auth_service.hpp"
#include "core/users/profile_service.hpp"
#include "core/users/user_admin_service.hpp"

namespace authd::app {
namespace {
class system_clock final : public clock {
public:
    time_point now() const override { return std::chrono::floor<seconds>(std::chrono::system_clock::now()); }
};

storage::database_url parse_url(const std::string& url) {
    auto parsed = storage::database_url::parse(url);
    if (!parsed)
        throw std::invalid_argument("DATABASE_URL is not a sqlite:///path (no spaces), postgresql:// or mysql:// URL");
    return *parsed;
}

std::unique_ptr<outbox_publisher> publisher_for(const config& c) {
    if (c.redis_url.empty()) return std::make_unique<publish::stdout_publisher>();
    auto url = redis::redis_url::parse(c.redis_url);
    if (!url) throw std::invalid_argument("REDIS_URL is not a redis://host:port URL");
    return std::make_unique<redis::redis_publisher>(*url);
}

std::unique_ptr<rate_limiter> limiter_for(const config& c) {
    if (c.redis_url.empty()) return std::make_unique<ratelimit::memory_rate_limiter>();
    auto url = redis::redis_url::parse(c.redis_url);
    if (!url) throw std::invalid_argument("REDIS_URL is not a redis://host:port URL");
    // Redis shares one budget between instances; while it is away each instance counts on its own, never not at all.
    return std::make_unique<ratelimit::failover_rate_limiter>(
        std::make_unique<redis::redis_rate_limiter>(*url), std::make_unique<ratelimit::memory_rate_limiter>(),
        [](bool redis_up) {
            if (redis_up) http::log_event("info", "rate limits: Redis reachable again, counting there", {});
            else
                http::log_event("warn", "rate limits: Redis unreachable, counting in this process until it is back",
                                {});
        });
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        auto item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

/// SQLite runs in this process, so its reads are CPU work: more threads than cores only
/// contend (measured: 8 workers gave 15 % fewer validations a second than 4 on 2 cores).
/// A server database keeps threads waiting on the network, where more of them help.
std::size_t worker_threads_for(const config& c) {
    if (c.worker_threads > 0) return static_cast<std::size_t>(c.worker_threads);
    const bool sqlite = c.database_url.rfind("sqlite:", 0) == 0;
    return sqlite ? 2 * std::max(1u, std::thread::hardware_concurrency()) : 8;
}

/// The account-protecting limits: the contract's defaults, with the configurable ones from the configuration.
security_policy policy_from(const config& c) {
    security_policy p;
    p.login_lockout.lock_for = std::chrono::minutes{c.login_lockout_minutes};
    p.otp_lockout.lock_for = std::chrono::minutes{c.otp_lockout_minutes};
    p.otp_ttl = seconds{c.otp_ttl_seconds};
    p.otp_resend_after = seconds{c.otp_resend_seconds};
    return p;
}

token_settings tokens_from(const config& c) {
    token_settings t;
    t.user_access_ttl = std::chrono::minutes{c.access_token_expire_minutes};
    t.agent_access_ttl = std::chrono::hours{c.agent_token_ttl_hours};
    t.refresh_ttl = std::chrono::days{c.refresh_token_expire_days};
    t.reuse_grace = seconds{c.refresh_reuse_grace_seconds};
    t.session_max = std::chrono::days{c.session_max_days};
    return t;
}
}  // namespace

struct application::parts {
    config cfg;
    security_policy policy;
    system_clock real_clock;
    const clock& clk;
    crypto::openssl_random rng;
    crypto::openssl_digest digest;
    crypto::openssl_hmac_sha1 hmac;
    crypto::aes_gcm_box box;
    crypto::jwt_hs256 codec;
    notify::console_notifier notifier;
    crypto::argon2_bcrypt_hasher hasher;
    storage::soci_store store;
    token_service tokens;
    second_factor factor;
    auth_service auth;
    totp_service totp;
    client_service clients;
    agent_service agents;
    otp_service otp;
    event_service events;
    catalog_service catalog;
    profile_service profile;
    user_admin_service admin;
    std::unique_ptr<outbox_publisher> publisher;
    http::metrics stats;
    std::unique_ptr<rate_limiter> limiter;
    outbox_relay relay;
    relay_runner relay_loop;
    http::services services;
    http::pipeline pipeline;
    http::server server;

    parts(const config& c, const clock* override_clock)
        : cfg(c),
          policy(policy_from(c)),
          clk(override_clock ? *override_clock : real_clock),
          digest(c.db_encryption_key),
          box(c.db_encryption_key),
          codec(c.jwt_secret, c.jwt_issuer),
          notifier(c.development),
          hasher(rng),
          store(parse_url(c.database_url), static_cast<std::size_t>(c.db_pool_size)),
          tokens(store, codec, digest, rng, clk, tokens_from(c)),
          factor(digest, box, hmac, rng,
                 mfa_settings{.challenge_ttl = policy.challenge_ttl,
                              .max_code_failures = policy.challenge_max_failures}),
          auth(store, hasher, tokens, factor, notifier, rng, clk, policy.login_lockout),
          totp(store, hasher, factor, clk, policy.login_lockout),
          clients(store, hasher, notifier, digest, rng, clk,
                  client_settings{policy.verification_ttl, policy.verification_resend_after}),
          agents(store, rng, clk),
          otp(store, notifier, digest, rng, clk, tokens,
              otp_settings{policy.otp_ttl, policy.otp_resend_after, policy.otp_lockout, c.development}),
          events(store, clk),
          catalog(store, clk),
          profile(store, hasher, tokens, clk, policy.login_lockout),
          admin(store, tokens, clk),
          publisher(publisher_for(c)),
          limiter(limiter_for(c)),
          relay(store, *publisher, clk),
          relay_loop(relay, std::chrono::milliseconds{c.outbox_relay_interval_ms}),
          services{auth,
                   tokens,
                   totp,
                   clients,
                   agents,
                   otp,
                   events,
                   catalog,
                   profile,
                   admin,
                   [this] { return store.ping(); },
                   [this] { return store.pool_usage(); },
                   stats,
                   *limiter,
                   !c.redis_url.empty(),
                   [this] { return notifier.recent(); },
                   c.development,
                   c.docs_assets_dir},
          pipeline(http::make_routes(services), tokens, *limiter, stats, clk,
                   http::pipeline_options{.worker_threads = worker_threads_for(c),
                                          .hashing_threads = static_cast<std::size_t>(c.hashing_threads),
                                          .hashing_queue = static_cast<std::size_t>(c.hashing_queue),
                                          .hsts = c.hsts || !c.tls_cert_file.empty(),  // HTTPS: always HSTS
                                          .rate_limit_per_minute = c.rate_limit_per_minute,
                                          .auth_rate_limit_per_minute = c.auth_rate_limit_per_minute,
                                          .cors_origins = split_list(c.cors_origins)}),
          server(
              http::server_options{.address = c.host,
                                   .port = static_cast<unsigned short>(c.port),
                                   .io_threads = c.io_threads,
                                   .max_body_bytes = c.max_body_bytes,
                                   .header_timeout = std::chrono::seconds{c.header_timeout_seconds},
                                   .read_timeout = std::chrono::seconds{c.read_timeout_seconds},
                                   .max_connections = c.max_connections,
                                   .max_connections_per_ip = c.max_connections_per_ip,
                                   .tls_cert_file = c.tls_cert_file,
                                   .tls_key_file = c.tls_key_file},
              [this](http::request req, std::function<void(http::response)> respond) {
                  pipeline.handle(std::move(req), std::move(respond));
              },
              [this](int status, const std::string& ip) { return pipeline.protocol_error(status, ip); }) {
        http::set_access_log(c.access_log);
    }
};

application::application(const config& cfg, const clock* clock_override)
    : parts_(std::make_unique<parts>(cfg, clock_override)) {
    for (const auto& name : parts_->store.migrate())
        http::log_event("info", "migration applied", {{"migration", name}});
}

application::~application() {
    parts_->server.stop();
    parts_->server.wait();
    parts_->pipeline.stop();
    parts_->relay_loop.stop();
}

void application::start() {
    parts_->server.start();
    parts_->relay_loop.start();
}

void application::start_relay_only() { parts_->relay_loop.start(); }
unsigned short application::port() const { return parts_->server.port(); }
void application::stop() { parts_->server.stop(); }
void application::wait() {
    parts_->server.wait();
    parts_->pipeline.stop();
    parts_->relay_loop.stop();  // after the last request: its outbox rows go out too
}

std::vector<std::pair<std::string, std::string>> application::routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : parts_->pipeline.routes().routes()) out.emplace_back(r.method, r.path);
    return out;
}

unit_of_work& application::store() { return parts_->store; }

void application::seed(std::ostream& out) {
    seed_data(seed_context{parts_->store, parts_->auth, parts_->agents, parts_->rng, parts_->cfg, parts_->catalog,
                           parts_->events, parts_->clk},
              out);
}

}  // namespace authd::app
