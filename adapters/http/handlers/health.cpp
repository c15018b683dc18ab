// Liveness and readiness (API.md "Operations").
#include <unistd.h>

#include <cstdio>

#include "adapters/http/log.hpp"
#include "adapters/http/responses.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/json/json.hpp"

namespace authd::http {
namespace {
/// What a probe asks: liveness (the process), readiness (its dependencies), or the whole picture for a person.
enum class probe { live, ready, full };

response health(services& s, probe asked) {
    const bool check_dependencies = asked != probe::live;
    const bool db_ok = !check_dependencies || s.database_ready();
    // The rate limiter's store is not required: without it requests pass uncounted, so "degraded", not down.
    const std::string limiter = check_dependencies ? std::string(s.rate_limits.health()) : "ok";
    const char* status = !db_ok ? "unavailable" : limiter != "ok" ? "degraded" : "ok";
    json::writer w;
    w.begin_object().field("status", status);
    if (check_dependencies) {
        w.key("checks").begin_object().field("database", db_ok ? "ok" : "unavailable");
        if (s.shared_rate_limits) w.field("redis", limiter);
        w.end_object();
    }
    if (asked == probe::full) {
        const auto d = s.delivery();
        w.key("delivery").begin_object();
        for (const auto& [name, c] : {std::pair{"email", &d.email}, std::pair{"sms", &d.sms}})
            w.key(name).begin_object().field("channel", c->kind).field("backlog", c->backlog).end_object();
        w.end_object();
    }
    return json_response(db_ok ? 200 : 503, std::move(w.end_object()).str());
}

/// Resident memory of this process, from /proc (Linux).
long long resident_bytes() {
    long long pages_total = 0, pages_resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%lld %lld", &pages_total, &pages_resident) != 2) pages_resident = 0;
        std::fclose(f);
    }
    return pages_resident * sysconf(_SC_PAGESIZE);
}

response full_health(services& s, exchange&) { return health(s, probe::full); }
response readiness(services& s, exchange&) { return health(s, probe::ready); }
response liveness(services& s, exchange&) { return health(s, probe::live); }

/// The deliverers' counts by channel and outcome, and each channel's backlog as the deliverer last read it.
std::string delivery_metrics(services& s) {
    const delivery_report d = s.delivery();
    std::string out =
        "# HELP authd_messages_total Messages the deliverers of this process handled, by channel and outcome.\n"
        "# TYPE authd_messages_total counter\n";
    for (const auto& [name, c] : {std::pair{"email", &d.email}, std::pair{"sms", &d.sms}})
        for (const auto& [outcome, n] :
             {std::pair{"queued", c->queued}, std::pair{"sent", c->sent}, std::pair{"retried", c->retried},
              std::pair{"dead", c->dead}, std::pair{"expired", c->expired}})
            out += std::string("authd_messages_total{channel=\"") + name + "\",outcome=\"" + outcome + "\"} " +
                   std::to_string(n) + "\n";
    out +=
        "# HELP authd_messages_backlog Messages waiting to be sent, by channel.\n"
        "# TYPE authd_messages_backlog gauge\n";
    for (const auto& [name, c] : {std::pair{"email", &d.email}, std::pair{"sms", &d.sms}})
        out += std::string("authd_messages_backlog{channel=\"") + name + "\"} " + std::to_string(c->backlog) + "\n";
    return out;
}

/// SQLite's group commit: the writes divided by the batches is the mean batch. Nothing on the other databases.
std::string batch_metrics(services& s) {
    const auto counted = s.batched_writes_so_far ? s.batched_writes_so_far() : std::nullopt;
    if (!counted) return {};
    return "# HELP authd_sqlite_write_batches_total Transactions in which SQLite's writers committed together.\n"
           "# TYPE authd_sqlite_write_batches_total counter\n"
           "authd_sqlite_write_batches_total " +
           std::to_string(counted->batches) +
           "\n"
           "# HELP authd_sqlite_batched_writes_total Writes committed in those transactions.\n"
           "# TYPE authd_sqlite_batched_writes_total counter\n"
           "authd_sqlite_batched_writes_total " +
           std::to_string(counted->writes) + "\n";
}

/// How often token checks found their session, and their signature, in memory; a miss reads the database (the session)
/// or checks the signature. A request the network thread found live but left to a worker looks its session up twice.
std::string cache_metrics(services& s) {
    if (!s.cache_lookups) return {};
    const auto report = s.cache_lookups();
    const auto lines = [](const char* name, const char* help, const lookup_counts& c) {
        return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
               "{result=\"hit\"} " + std::to_string(c.hits) + "\n" + name + "{result=\"miss\"} " +
               std::to_string(c.misses) + "\n";
    };
    std::string out = lines(
        "authd_session_view_lookups_total",
        "Lookups of a token's session in memory: found live (hit) or gone on to the database (miss).", report.sessions);
    if (report.signatures)
        out += lines("authd_signature_cache_lookups_total",
                     "Token signatures found checked before (hit) or checked now (miss).", *report.signatures);
    return out;
}

response metrics_text(services& s, exchange&) {
    const auto pool = s.pool_usage();
    std::string extra =
        "# HELP authd_db_pool_connections Database connections in the pool, by state.\n"
        "# TYPE authd_db_pool_connections gauge\n"
        "authd_db_pool_connections{state=\"in_use\"} " +
        std::to_string(pool.first) +
        "\n"
        "authd_db_pool_connections{state=\"idle\"} " +
        std::to_string(pool.second - pool.first) + "\n" + batch_metrics(s) + cache_metrics(s) + delivery_metrics(s) +
        "# HELP authd_log_lines_dropped_total Log lines lost: standard output did not keep up, or refused them.\n"
        "# TYPE authd_log_lines_dropped_total counter\n"
        "authd_log_lines_dropped_total " +
        std::to_string(log_lines_dropped()) + "\n" +
        "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
        "# TYPE process_resident_memory_bytes gauge\n"
        "process_resident_memory_bytes " +
        std::to_string(resident_bytes()) + "\n";
    response r;
    r.body = s.metrics.render(extra);
    r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
}
}  // namespace

void add_health_routes(router& r, services& s) {
    const auto none = rate_class::none;
    r.add({.method = "GET", .path = "/health", .limits = none, .handler = bind(s, full_health)});
    r.add({.method = "GET", .path = "/health/ready", .limits = none, .handler = bind(s, readiness)});
    // Liveness and metrics touch no database: answered on the I/O thread, they never wait behind the queue.
    r.add({.method = "GET",
           .path = "/health/live",
           .pool = pool_kind::io_thread,
           .limits = none,
           .handler = bind(s, liveness)});
    r.add({.method = "GET",
           .path = "/metrics",
           .pool = pool_kind::io_thread,
           .limits = none,
           .handler = bind(s, metrics_text)});
}

}  // namespace authd::http
