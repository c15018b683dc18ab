#pragma once
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "app/config.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/operator_commands.hpp"

namespace authd::app {

/// The only place that knows every concrete adapter: it builds them from the
/// configuration and wires them into the use cases.
class application {
public:
    /// Connects to the database and applies migrations. `clock_override` lets tests move time.
    explicit application(const config& cfg, const clock* clock_override = nullptr);
    ~application();

    /// Starts listening; returns at once.
    void start();
    unsigned short port() const;
    /// Graceful: stop accepting, finish in-flight requests.
    void stop();
    void wait();

    /// Starts only the outbox relay (authd outbox-relay); stop() ends it.
    void start_relay_only();
    /// Runs the work requests left for after their answer, then sends every message that is due now, on this thread (the deliverers' background rounds, run to the end): for
    /// tests, which then read what the console channel printed without waiting.
    void deliver_pending();

    /// The database, for tests that arrange or inspect rows the API does not expose.
    unit_of_work& store();

    /// Every route served, as method and path template ("/api/events/:eventId"), for the test that holds the route
    /// table against docs/openapi.json.
    std::vector<std::pair<std::string, std::string>> routes() const;

    /// The operator's commands (authd admin ...).
    operator_commands& operators();

    /// Loads the sample data; harmless to run twice. Prints what a person needs to log in.
    void seed(std::ostream& out);
    /// One clean-up run (authd cleanup): prints how many rows of each kind it deleted, or that another process is
    /// running one.
    void cleanup(std::ostream& out);
    /// authd keys rotate|list: a new signing key, or the list of them. Returns the exit code: 2 when JWT_ALGORITHM
    /// is HS256 (there is no key pair).
    int keys(const std::string& action, std::ostream& out, std::ostream& err);

private:
    struct parts;
    std::unique_ptr<parts> parts_;
};

}  // namespace authd::app
