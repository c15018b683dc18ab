#include "app/composition_root.hpp"

#include <atomic>
#include <thread>

#include "adapters/crypto/aes_gcm_box.hpp"
#include "adapters/crypto/jwt_codec.hpp"
#include "adapters/crypto/key_directory.hpp"
#include "adapters/crypto/key_ring.hpp"
#include "adapters/crypto/openssl_random.hpp"
#include "adapters/crypto/password_hashing.hpp"
#include "adapters/crypto/sha256.hpp"
#include "adapters/crypto/zxcvbn_screen.hpp"
#include "adapters/delivery/channel_sender.hpp"
#include "adapters/delivery/console_channel.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/metrics.hpp"
#include "adapters/http/pipeline.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/http/server.hpp"
#include "adapters/publish/stdout_publisher.hpp"
#include "adapters/ratelimit/failover_rate_limiter.hpp"
#include "adapters/ratelimit/memory_rate_limiter.hpp"
#include "adapters/redis/redis_publisher.hpp"
#include "adapters/redis/redis_rate_limiter.hpp"
#include "adapters/storage/soci_store.hpp"
#include "app/background_loop.hpp"
#include "app/deferred_work.hpp"
#include "app/seed.hpp"
#include "core/agents/agent_service.hpp"
#include "core/catalog/catalog_service.hpp"
#include "core/clients/client_service.hpp"
#include "core/delivery/message_admin.hpp"
#include "core/delivery/message_deliverer.hpp"
#include "core/delivery/message_outbox.hpp"
#include "core/events/event_service.hpp"
#include "core/keys/reseal.hpp"
#include "core/keys/signing_keys.hpp"
#include "core/maintenance/cleanup.hpp"
#include "core/mfa/second_factor.hpp"
#include "core/mfa/totp_service.hpp"
#include "core/otp/otp_service.hpp"
#include "core/outbox/outbox_relay.hpp"
#include "core/sessions/token_service.hpp"
#include "core/users/auth_service.hpp"
#include "core/users/operator_commands.hpp"
#include "core/users/password_service.hpp"
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
    if (!parsed->rejected_option.empty())
        throw std::invalid_argument("DATABASE_URL: the parameter " + parsed->rejected_option +
                                    " is not one authd passes to the " + std::string(to_string(parsed->kind)) +
                                    " driver, or its value is not one it takes (see the README)");
    return *parsed;
}

std::unique_ptr<outbox_publisher> publisher_for(const config& c) {
    if (c.redis_url.empty()) return std::make_unique<publish::stdout_publisher>(c.outbox_stdout_personal_data);
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

/// Queues through the outbox, then wakes the channel's deliverer once the transaction has committed, so that a
/// message leaves at once rather than at the next interval.
class waking_notifier final : public notifier {
public:
    waking_notifier(notifier& inner, std::function<void(channel)> wake) : inner_(inner), wake_(std::move(wake)) {}
    void queue(repositories& tx, const outgoing_message& m, time_point now) override {
        inner_.queue(tx, m, now);
        tx.after_commit.push_back([this, via = m.channel] { wake_(via); });
    }

private:
    notifier& inner_;
    std::function<void(channel)> wake_;
};

std::unique_ptr<delivery::channel_sender> sender_for(const config& c, delivery::console_channel& console,
                                                     const clock& clk) {
    delivery::template_settings t{.app_name = c.app_name, .app_url = c.app_url, .dir = c.templates_dir};
    std::optional<delivery::smtp_settings> smtp;
    if (c.email_delivery == "smtp") {
        delivery::smtp_settings s;
        s.host = c.smtp_host;
        s.port = c.smtp_port;
        s.user = c.smtp_user;
        s.password = c.smtp_password;
        s.from = c.from_email;
        s.tls = c.smtp_tls == "tls"    ? delivery::smtp_settings::tls_mode::implicit
                : c.smtp_tls == "none" ? delivery::smtp_settings::tls_mode::none
                                       : delivery::smtp_settings::tls_mode::starttls;
        s.verify_certificate = c.smtp_verify_certificate;
        s.ca_file = c.smtp_ca_file;
        smtp = s;
    }
    const auto webhook = [&](const std::string& url) {
        delivery::webhook_settings w;
        w.url = url;
        w.secret = c.webhook_secret;
        return w;
    };
    std::optional<delivery::webhook_settings> sms_hook, email_hook;
    if (c.sms_delivery == "webhook") sms_hook = webhook(c.sms_webhook_url);
    if (c.email_delivery == "webhook") email_hook = webhook(c.email_webhook_url);
    return std::make_unique<delivery::channel_sender>(delivery::templates(t), console, smtp, sms_hook, email_hook, clk);
}

/// What one channel's deliverer did since start, and the backlog it last counted.
struct channel_counts {
    std::atomic<std::int64_t> queued{0}, sent{0}, retried{0}, dead{0}, expired{0}, backlog{0};
    http::channel_report report(std::string kind) const {
        return {std::move(kind), backlog.load(), queued.load(), sent.load(),
                retried.load(),  dead.load(),    expired.load()};
    }
};

/// A channel's deliverers: several loops, each sending its own claimed batch, so that one slow or hanging server
/// answer holds up one loop while the others go on.
class delivery_loops {
public:
    delivery_loops(const char* name, int count, const std::function<bool()>& round, std::chrono::milliseconds every) {
        for (int i = 0; i < count; ++i) loops_.push_back(std::make_unique<background_loop>(name, round, every));
    }
    void start() {
        for (auto& l : loops_) l->start();
    }
    void ask_to_stop() {
        for (auto& l : loops_) l->ask_to_stop();
    }
    /// Every loop is told before any is waited for: one held by a slow server does not keep the others sending.
    void stop() {
        ask_to_stop();
        for (auto& l : loops_) l->stop();
    }
    /// New messages: one idle loop is enough to claim them, but which one is idle is not known, so all look.
    void wake() {
        for (auto& l : loops_) l->wake();
    }

private:
    std::vector<std::unique_ptr<background_loop>> loops_;
};

/// A retired key verifies as long as the longest access token it may have signed lives, and a margin for instances
/// that go on signing with it until they read the keys again (every 30 s).
signing_key_settings signing_settings_from(const config& c) {
    const auto longest = std::max<seconds>(std::chrono::minutes{c.access_token_expire_minutes},
                                           std::chrono::hours{c.agent_token_ttl_hours});
    return signing_key_settings{.algorithm = c.jwt_algorithm,
                                .verify_after_retirement = longest + std::chrono::minutes{5}};
}

http::discovery_settings discovery_from(const config& c) {
    http::discovery_settings d{.issuer = c.jwt_issuer,
                               .audience = c.jwt_audience,
                               .algorithm = c.jwt_algorithm,
                               .public_url = c.app_url,
                               .introspection_clients = {}};
    for (const auto& [id, secret] : c.introspection_clients) d.introspection_clients.push_back({id, secret});
    return d;
}

/// How long sessions and accounts read from the database are trusted from memory (SESSION_RECHECK_MS; 0: never).
recent_reads_settings memory_settings(const config& c) {
    return {.recheck = std::chrono::milliseconds{c.session_recheck_ms},
            .quarantine = std::chrono::seconds{2},
            .capacity = c.session_recheck_ms > 0 ? 65536u : 0u};
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
    crypto::openssl_key_pair_maker key_maker;
    crypto::key_ring* ring = nullptr;  ///< the keys when JWT_ALGORITHM is asymmetric (owned by jws)
    std::unique_ptr<crypto::jws_keys> jws;
    crypto::jwt_codec codec;
    delivery::console_channel console;
    message_outbox outbox_notifier;
    waking_notifier notifier;
    crypto::argon2_bcrypt_hasher hasher;
    crypto::zxcvbn_screen screen;
    storage::soci_store store;
    signing_keys signing;
    session_view session_memory;  ///< sessions known live: most token checks read no database
    token_service tokens;
    second_factor factor;
    recent_reads<user> profiles;  ///< accounts recently read for their owners: /me reads no database
    auth_service auth;
    totp_service totp;
    client_service clients;
    agent_service agents;
    otp_service otp;
    event_service events;
    catalog_service catalog;
    profile_service profile;
    password_service passwords;
    email_change_service email_changes;
    operator_commands operators;
    user_admin_service admin;
    message_admin messages;
    audit_trail audit;
    std::unique_ptr<outbox_publisher> publisher;
    http::metrics stats;
    std::unique_ptr<rate_limiter> limiter;
    outbox_relay relay;
    background_loop relay_loop;
    bool relay_warned = false;
    std::unique_ptr<delivery::channel_sender> sender;
    message_deliverer deliverer;
    channel_counts email_counts, sms_counts;
    delivery_loops email_loop, sms_loop;
    cleanup_task cleanup;
    background_loop cleanup_loop;
    background_loop keys_loop;   ///< re-reads the signing keys: a rotation made by another process
    deferred_work after_answer;  ///< what a request asked for and does not wait for
    http::services services;
    http::pipeline pipeline;
    http::server server;

    parts(const config& c, const clock* override_clock)
        : cfg(c),
          policy(policy_from(c)),
          clk(override_clock ? *override_clock : real_clock),
          digest(c.db_encryption_key, c.db_encryption_old_keys),
          box(c.db_encryption_key, c.db_encryption_old_keys),
          jws(jws_keys_for(c)),
          codec(*jws, crypto::jwt_settings{c.jwt_issuer, c.jwt_audience, seconds{c.jwt_leeway_seconds}}),
          console(c.development),
          outbox_notifier(box, digest, rng),
          notifier(outbox_notifier,
                   [this](channel via) {
                       ++(via == channel::email ? email_counts : sms_counts).queued;
                       (via == channel::email ? email_loop : sms_loop).wake();
                   }),
          hasher(rng),
          screen(c.app_name),
          store(parse_url(c.database_url), static_cast<std::size_t>(c.db_pool_size)),
          signing(store, key_maker, box, rng, clk, signing_settings_from(c)),
          session_memory(memory_settings(c)),
          tokens(store, codec, digest, rng, clk, tokens_from(c), &session_memory),
          factor(digest, box, hmac, rng,
                 mfa_settings{.challenge_ttl = policy.challenge_ttl,
                              .max_code_failures = policy.challenge_max_failures,
                              .issuer = c.app_name}),
          profiles(memory_settings(c)),
          auth(store, hasher, screen, tokens, factor, notifier, rng, clk, policy.login_lockout, &profiles),
          totp(store, hasher, factor, tokens, clk, policy.login_lockout, std::chrono::minutes{c.reauth_window_minutes}),
          clients(store, hasher, screen, notifier, digest, rng, clk,
                  client_settings{policy.verification_ttl, policy.verification_resend_after}),
          agents(store, rng, clk, std::chrono::minutes{c.reauth_window_minutes}, c.agent_phone_proof),
          otp(store, notifier, digest, rng, clk, tokens,
              otp_settings{policy.otp_ttl, policy.otp_resend_after, policy.otp_lockout, c.development,
                           c.agent_phone_proof}),
          events(store, clk),
          catalog(store, clk),
          profile(store, hasher, tokens, clk, policy.login_lockout),
          passwords(store, hasher, screen, tokens, notifier, digest, rng, clk, policy.login_lockout,
                    password_settings{}),
          email_changes(store, hasher, notifier, digest, rng, clk, policy.login_lockout, email_change_settings{}),
          operators(store, hasher, screen, tokens, rng, clk),
          admin(store, tokens, clk),
          messages(store, clk),
          audit(store),
          publisher(publisher_for(c)),
          limiter(limiter_for(c)),
          relay(store, *publisher, clk),
          relay_loop(
              "outbox relay", [this] { return relay_round(); }, std::chrono::milliseconds{c.outbox_relay_interval_ms}),
          sender(sender_for(c, console, clk)),
          deliverer(store, *sender, box, rng, clk, delivery_policy{.max_attempts = c.delivery_max_attempts}),
          email_loop(
              "email deliverer", c.delivery_workers, [this] { return delivery_round(channel::email, email_counts); },
              std::chrono::milliseconds{c.delivery_interval_ms}),
          sms_loop(
              "sms deliverer", c.delivery_workers, [this] { return delivery_round(channel::sms, sms_counts); },
              std::chrono::milliseconds{c.delivery_interval_ms}),
          cleanup(store, clk,
                  retention_policy{.keep = std::chrono::days{c.retention_days},
                                   .keep_audit = std::chrono::days{c.audit_retention_days}}),
          cleanup_loop(
              "cleanup", [this] { return cleanup_round(); }, std::chrono::minutes{c.cleanup_interval_minutes}),
          keys_loop(
              "signing keys",
              [this] {
                  if (ring) ring->reload();
                  return false;
              },
              std::chrono::seconds{30}),
          after_answer(1024, std::chrono::milliseconds{c.delivery_interval_ms}),
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
                   messages,
                   passwords,
                   email_changes,
                   audit,
                   keys_in_database() ? &signing : nullptr,
                   [this](std::string_view actor) { return rotate_keys(actor); },
                   [this] { return ring ? ring->jwks_json() : std::string(R"({"keys":[]})"); },
                   [this] { return store.ping(); },
                   [this] { return store.pool_usage(); },
                   [this]() -> std::optional<http::batched_writes> {
                       const auto counted = store.batched_writes();
                       if (!counted) return std::nullopt;
                       return http::batched_writes{counted->batches, counted->writes};
                   },
                   [this] {
                       return http::cache_report{session_memory.lookups(),
                                                 ring ? std::optional(ring->signature_lookups()) : std::nullopt};
                   },
                   stats,
                   *limiter,
                   !c.redis_url.empty(),
                   [this] { return dev_messages(); },
                   [this] {
                       return http::delivery_report{email_counts.report(std::string(sender->kind_of(channel::email))),
                                                    sms_counts.report(std::string(sender->kind_of(channel::sms)))};
                   },
                   c.development,
                   c.docs_assets_dir,
                   discovery_from(c),
                   [this](std::function<void()> job) { after_answer.post(std::move(job)); }},
          pipeline(http::make_routes(services), tokens, *limiter, stats, clk,
                   http::pipeline_options{.worker_threads = worker_threads_for(c),
                                          .hashing_threads = static_cast<std::size_t>(c.hashing_threads),
                                          .hashing_queue = static_cast<std::size_t>(c.hashing_queue),
                                          .hashing_niceness = c.hashing_nice,
                                          .hsts = c.hsts || !c.tls_cert_file.empty(),  // HTTPS: always HSTS
                                          .rate_limit_per_minute = c.rate_limit_per_minute,
                                          .auth_rate_limit_per_minute = c.auth_rate_limit_per_minute,
                                          .cors_origins = split_list(c.cors_origins),
                                          .proxies = http::trusted_proxies::parse(c.trusted_proxies)}),
          server(
              http::server_options{.address = c.host,
                                   .port = static_cast<unsigned short>(c.port),
                                   .io_threads = c.io_threads,
                                   .max_body_bytes = c.max_body_bytes,
                                   .header_timeout = std::chrono::seconds{c.header_timeout_seconds},
                                   .read_timeout = std::chrono::seconds{c.read_timeout_seconds},
                                   .max_connections = c.max_connections,
                                   .max_connections_per_ip = c.max_connections_per_ip,
                                   .uncapped_peer = [proxies = http::trusted_proxies::parse(c.trusted_proxies)](
                                                        const std::string& peer) { return proxies.contains(peer); },
                                   .tls_cert_file = c.tls_cert_file,
                                   .tls_key_file = c.tls_key_file},
              [this](http::request req, std::function<void(http::response)> respond) {
                  pipeline.handle(std::move(req), std::move(respond));
              },
              [this](int status, const std::string& ip) { return pipeline.protocol_error(status, ip); }) {
        http::set_access_log(c.access_log);
        store.on_audit_event(http::log_audit_event);
        // A change to an account, made here, is shown at once: the next read of it goes to the database.
        store.on_user_changed([this](const std::string& id) { profiles.forget(id); });
    }

    /// Whether authd makes and rotates the signing keys (an asymmetric JWT_ALGORITHM without JWT_SIGNING_KEYS_DIR).
    bool keys_in_database() const { return ring && cfg.jwt_signing_keys_dir.empty(); }

    /// A new signing key, signing in this process from now on (others pick it up within 30 s).
    std::string rotate_keys(std::string_view actor) {
        auto kid = signing.rotate(actor);
        if (ring) ring->reload();
        return kid;
    }

    /// HS256 with JWT_SECRET_KEY, or a key ring: of the operator's key files, or of the database's signing keys.
    std::unique_ptr<crypto::jws_keys> jws_keys_for(const config& c) {
        if (c.jwt_algorithm == "HS256") return std::make_unique<crypto::hmac_keys>(c.jwt_secret);
        if (!c.jwt_signing_keys_dir.empty()) {
            auto made = std::make_unique<crypto::key_ring>(c.jwt_algorithm, [dir = c.jwt_signing_keys_dir] {
                return crypto::read_key_directory(dir);
            });
            ring = made.get();
            return made;
        }
        auto made = std::make_unique<crypto::key_ring>(c.jwt_algorithm, [this] {
            std::vector<crypto::ring_key> keys;
            for (auto& k : signing.usable())
                keys.push_back({std::move(k.kid), std::move(k.public_pem), std::move(k.private_pem)});
            return keys;
        });
        ring = made.get();
        return made;
    }

    bool relay_round() {
        constexpr int batch = 100;
        const auto r = relay.relay_once(batch);
        if (r.publisher_failed && !relay_warned)
            http::log_event("warn", "outbox publisher unavailable; will retry", {});
        relay_warned = r.publisher_failed;
        return r.published == batch && !r.publisher_failed;
    }

    /// One batch of a channel's deliverer (true when it claimed any: another round may find more): a log line per
    /// failure (the message id and reason, never the secret or the recipient), the counts, and the backlog it leaves.
    bool delivery_round(channel via, channel_counts& counts) {
        const auto r = deliverer.deliver_once(via);
        for (const auto& f : r.failures)
            http::log_event(f.dead ? "error" : "warn", f.dead ? "message dead" : "message delivery failed",
                            {{"channel", std::string(to_string(via))},
                             {"message_id", f.message_id},
                             {"kind", std::string(to_string(f.kind))},
                             {"attempts", std::to_string(f.attempts)},
                             {"reason", f.reason}});
        counts.sent += r.sent;
        counts.retried += r.retried;
        counts.dead += r.dead;
        counts.expired += r.expired;
        if (r.expired > 0)
            http::log_event("warn", "messages expired before delivery",
                            {{"channel", std::string(to_string(via))}, {"count", std::to_string(r.expired)}});
        if (r.lost > 0)
            http::log_event("warn", "delivery outcomes not recorded: a send outlived its lease",
                            {{"channel", std::string(to_string(via))}, {"count", std::to_string(r.lost)}});
        counts.backlog = read_tx(store, [&](repositories& x) { return x.messages.backlog(via); });
        // Anything sent may have been holding back a newer message to the same person: look again at once.
        return r.claimed > 0;
    }

    /// One clean-up run, logged when it deleted anything; never "more waiting": the next run is an interval away.
    bool cleanup_round() {
        const auto r = cleanup.run();
        if (r.total() == 0) return false;
        std::vector<std::pair<std::string_view, std::string>> fields;
        for (const auto& [rows, n] : r.deleted)
            if (n > 0) fields.emplace_back(to_string(rows), std::to_string(n));
        http::log_event("info", "ended rows deleted", fields);
        return false;
    }

    std::vector<http::dev_message> dev_messages() const {
        std::vector<http::dev_message> out;
        for (const auto& m : console.recent()) out.push_back({m.channel, m.recipient, m.subject, m.body, m.sent_at});
        return out;
    }
};

application::application(const config& cfg, const clock* clock_override)
    : parts_(std::make_unique<parts>(cfg, clock_override)) {
    for (const auto& name : parts_->store.migrate())
        http::log_event("info", "migration applied", {{"migration", name}});
    if (parts_->keys_in_database()) parts_->signing.ensure_active();
    if (parts_->ring) parts_->ring->reload();
}

application::~application() {
    parts_->server.stop();
    wait();
    parts_->cleanup_loop.stop();
    parts_->keys_loop.stop();
}

void application::start() {
    parts_->server.start();
    parts_->after_answer.start();
    parts_->relay_loop.start();
    parts_->email_loop.start();
    parts_->sms_loop.start();
    parts_->cleanup_loop.start();
    if (parts_->ring) parts_->keys_loop.start();
}

void application::start_relay_only() { parts_->relay_loop.start(); }

void application::deliver_pending() {
    parts_->after_answer.run_all();
    while (parts_->delivery_round(channel::email, parts_->email_counts)) {
    }
    while (parts_->delivery_round(channel::sms, parts_->sms_counts)) {
    }
}
unsigned short application::port() const { return parts_->server.port(); }
void application::stop() { parts_->server.stop(); }
void application::wait() {
    parts_->server.wait();
    parts_->pipeline.stop();
    parts_->after_answer.stop();  // before the deliverers: the links it makes go out too
    parts_->relay_loop.stop();    // after the last request: its outbox rows and messages go out too
    parts_->email_loop.ask_to_stop();
    parts_->sms_loop.ask_to_stop();
    parts_->email_loop.stop();
    parts_->sms_loop.stop();
}

std::vector<std::pair<std::string, std::string>> application::routes() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : parts_->pipeline.routes().routes()) out.emplace_back(r.method, r.path);
    return out;
}

unit_of_work& application::store() { return parts_->store; }

operator_commands& application::operators() { return parts_->operators; }

void application::cleanup(std::ostream& out) {
    const auto r = parts_->cleanup.run();
    if (!r.ran) {
        out << "another process is cleaning up: nothing done\n";
        return;
    }
    for (const auto& [rows, n] : r.deleted) out << to_string(rows) << ": " << n << " deleted\n";
}

int application::keys(const std::string& action, std::ostream& out, std::ostream& err) {
    if (action == "reseal") {
        const auto r = reseal_secrets(parts_->store, parts_->box);
        out << "resealed " << r.resealed << " values under the first key of DB_ENCRYPTION_KEYS; " << r.current
            << " already were\n";
        if (r.unreadable > 0)
            err << "authd: warning: " << r.unreadable
                << " values open under no key of the list (sealed under a key no longer given): left as they are\n";
        return 0;
    }
    if (!parts_->ring) {
        err << "authd: JWT_ALGORITHM is HS256: tokens are signed with JWT_SECRET_KEY, there is no key pair\n";
        return 2;
    }
    if (!parts_->keys_in_database()) {
        err << "authd: the signing keys are the files of JWT_SIGNING_KEYS_DIR: rotate by adding a <kid>.pem whose "
               "name sorts last\n";
        return 2;
    }
    if (action == "rotate") {
        out << "new signing key " << parts_->signing.rotate(operator_actor)
            << "; the previous one verifies until its tokens have expired\n";
        return 0;
    }
    const auto now = parts_->clk.now();
    for (const auto& k : parts_->signing.list())
        out << k.kid << "  " << k.algorithm << "  " << to_string(k.state) << "  made " << to_rfc3339(k.created_at)
            << " (" << std::chrono::duration_cast<std::chrono::hours>(now - k.created_at).count() << " h ago)"
            << (k.retired_at ? "  retired " + to_rfc3339(*k.retired_at) : std::string()) << "\n";
    return 0;
}

void application::seed(std::ostream& out) {
    seed_data(seed_context{parts_->store, parts_->auth, parts_->agents, parts_->rng, parts_->cfg, parts_->catalog,
                           parts_->events, parts_->clk},
              out);
}

}  // namespace authd::app
