// The outbox relay against a real redis-server started for this test: rows
// reach the stream in order, a Redis outage keeps them waiting, nothing is
// lost when it comes back, and a Redis that hangs keeps no writer waiting.
#include <hiredis/hiredis.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>

#include "adapters/redis/redis_publisher.hpp"
#include "adapters/storage/soci_store.hpp"
#include "core/events/event_service.hpp"
#include "core/outbox/outbox_relay.hpp"
#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
std::string run(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    std::string out;
    char buf[256];
    while (pipe && std::fgets(buf, sizeof buf, pipe.get())) out += buf;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

struct own_redis {
    std::string dir, url;
    own_redis() {
        char pattern[] = "/tmp/authd-redis-XXXXXX";
        dir = std::string(mkdtemp(pattern)) + "/redis";
        url = run(script() + " start redis " + dir);
        REQUIRE(url.rfind("redis://", 0) == 0);
    }
    ~own_redis() {
        thaw();  // a test that failed while the server was frozen: stopping it needs it running
        run(script() + " stop " + dir);
        rmdir(dir.substr(0, dir.rfind('/')).c_str());
    }
    void halt() { run(script() + " halt " + dir); }
    void resume() { run(script() + " resume " + dir); }
    /// Stops the server's process without closing anything: connections are accepted and never answered.
    void freeze() { run("kill -STOP $(cat " + dir + "/redis.pid)"); }
    void thaw() { run("kill -CONT $(cat " + dir + "/redis.pid)"); }
    static std::string script() { return std::string(AUTHD_SOURCE_DIR) + "/scripts/db-server"; }

    /// The event_type and outbox_id fields of every entry of the stream, oldest first.
    std::vector<std::pair<std::string, std::string>> stream() const {
        const auto parsed = *redis::redis_url::parse(url);
        redisContext* c = redisConnect(parsed.host.c_str(), parsed.port);
        REQUIRE((c && !c->err));
        auto* reply = static_cast<redisReply*>(redisCommand(c, "XRANGE authd:outbox - +"));
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t i = 0; reply && i < reply->elements; ++i) {
            const auto* fields = reply->element[i]->element[1];
            std::string type, id;
            for (std::size_t k = 0; k + 1 < fields->elements; k += 2) {
                const std::string name(fields->element[k]->str, fields->element[k]->len);
                const std::string value(fields->element[k + 1]->str, fields->element[k + 1]->len);
                if (name == "event_type") type = value;
                if (name == "outbox_id") id = value;
            }
            out.emplace_back(type, id);
        }
        freeReplyObject(reply);
        redisFree(c);
        return out;
    }
};

event_fields concert() {
    event_fields f;
    f.name = "Jazz";
    f.event_date = time_point{std::chrono::sys_days{std::chrono::year{2027} / 1 / 1}};
    f.venue_name = "Blue Hall";
    f.total_seats = 10;
    f.sale_start_time = time_point{std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}};
    return f;
}

/// Hands each message to a real publisher, and tells when the first publish began and whether one has ended.
class watched_publisher final : public outbox_publisher {
public:
    explicit watched_publisher(outbox_publisher& real) : real_(real) {}
    std::promise<void> began;
    std::atomic<bool> ended{false};

    void publish(const outbox_message& m) override {
        if (!began_once_.exchange(true)) began.set_value();
        try {
            real_.publish(m);
        } catch (...) {
            ended = true;
            throw;
        }
        ended = true;
    }

private:
    outbox_publisher& real_;
    std::atomic<bool> began_once_{false};
};

/// A relay from an in-memory SQLite database to a redis-server of its own.
struct relay_on_sqlite {
    own_redis redis;
    test::fake_clock clock;
    storage::soci_store store{*storage::database_url::parse("sqlite:///:memory:"), 1};
    event_service events{store, clock};
    redis::redis_publisher publisher{*redis::redis_url::parse(redis.url)};
    outbox_relay relay{store, publisher, clock};
    relay_on_sqlite() { store.migrate(); }
};
}  // namespace

TEST_CASE("the relay publishes to a Redis stream in order, waits out an outage and loses nothing", "[outbox][redis]") {
    relay_on_sqlite f;

    const auto id = f.events.create(concert())->id;
    REQUIRE(f.events.change_status(id, "ON_SALE").ok());
    REQUIRE(f.events.create(concert()).ok());
    const auto first = f.relay.relay_once();
    CHECK(first.published == 3);
    CHECK_FALSE(first.publisher_failed);
    CHECK(f.redis.stream() == std::vector<std::pair<std::string, std::string>>{
                                  {"EVENT_CREATED", "1"}, {"EVENT_STATUS_CHANGED", "2"}, {"EVENT_CREATED", "3"}});

    f.redis.halt();
    REQUIRE(f.events.remove(id).ok());
    const auto during = f.relay.relay_once();
    CHECK(during.published == 0);
    CHECK(during.publisher_failed);

    f.redis.resume();  // an empty Redis: what was published before went with it, the waiting row goes now
    const auto after = f.relay.relay_once();
    CHECK(after.published == 1);
    CHECK(f.redis.stream() == std::vector<std::pair<std::string, std::string>>{{"EVENT_DELETED", "4"}});
    CHECK(f.relay.relay_once().published == 0);
}

TEST_CASE("while Redis hangs, writes go on: the relay waits for it with no transaction open", "[outbox][redis]") {
    relay_on_sqlite f;
    REQUIRE(f.events.create(concert()).ok());
    watched_publisher watched(f.publisher);
    outbox_relay relay(f.store, watched, f.clock);

    f.redis.freeze();
    auto relaying = std::async(std::launch::async, [&] { return relay.relay_once(); });
    // Bounded: the relay claims its row and starts publishing at once, then waits for Redis up to its 2 s time-out.
    REQUIRE(watched.began.get_future().wait_for(10s) == std::future_status::ready);
    REQUIRE(f.events.create(concert()).ok());  // a write while the relay waits for Redis
    CHECK_FALSE(watched.ended);  // it went through while the publish still waited, not after the relay's transaction
    const auto during = relaying.get();
    CHECK(during.publisher_failed);
    CHECK(during.published == 0);

    f.redis.thaw();
    CHECK(f.relay.relay_once().published == 2);  // the row it gave back, then the new one: in order
    // The XADD sent before the hang waited in the server's socket and ran when it thawed: row 1 may be in the
    // stream twice (at least once), row 2 once, after a row 1.
    std::vector<std::string> ids;
    for (const auto& [type, id] : f.redis.stream()) ids.push_back(id);
    CHECK(std::count(ids.begin(), ids.end(), "2") == 1);
    const auto second = std::find(ids.begin(), ids.end(), "2");
    CHECK(std::find(ids.begin(), second, "1") != second);
    CHECK(std::all_of(ids.begin(), ids.end(), [](const std::string& id) { return id == "1" || id == "2"; }));
}
