// authd: serve (default), migrate, seed, cleanup, admin, outbox-relay. Exit codes: 0 ok, 1 runtime failure, 2 bad configuration.
#include <csignal>
#include <cstdlib>
#include <iostream>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "adapters/crypto/openssl_random.hpp"
#include "adapters/http/log.hpp"
#include "app/admin_cli.hpp"
#include "app/composition_root.hpp"
#include "core/common/random_values.hpp"
#include "core/ports/unit_of_work.hpp"

#ifndef AUTHD_VERSION
#define AUTHD_VERSION "0.0.0"
#endif

namespace {
int fail(int code, const std::string& message) {
    std::cerr << "authd: " << message << "\n";
    return code;
}

/// A process started with standard input, output or error closed would give their numbers to the next file or socket
/// it opens, and its log lines would go there: into a client's connection, or the database's. They open on /dev/null
/// instead (open takes the lowest free number).
void fill_standard_descriptors() {
    for (int fd = 0; fd <= 2; ++fd)
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF && ::open("/dev/null", O_RDWR) != fd) return;
}
}  // namespace

int main(int argc, char** argv) {
    fill_standard_descriptors();
    // Block the stop signals before any thread starts, so that only sigwait() below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    const auto parsed = authd::app::parse_command_line(argc, argv, [](const std::string& name) {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    });
    if (const auto* error = std::get_if<std::string>(&parsed)) return fail(2, *error);
    auto cmd = std::get<authd::app::command_line>(parsed);
    if (cmd.help) {
        std::cout << authd::app::help_text();
        return 0;
    }
    if (cmd.version) {
        std::cout << "authd " << AUTHD_VERSION << "\n";
        return 0;
    }
    authd::crypto::openssl_random rng;
    if (cmd.command != "migrate") {
        if (auto error = authd::app::check_secrets(cmd.settings, [&] { return authd::random_token(rng, 32); }))
            return fail(2, *error);
    } else {
        // migrate signs nothing: any placeholder will do.
        cmd.settings.jwt_secret = authd::random_token(rng, 32);
    }
    for (const auto& w : cmd.settings.warnings) std::cerr << "authd: warning: " << w << "\n";

    try {
        authd::app::application app(cmd.settings);
        if (cmd.command == "migrate") {
            std::cout << "migrations are up to date\n";
            return 0;
        }
        if (cmd.command == "seed") {
            app.seed(std::cout);
            return 0;
        }
        if (cmd.command == "admin")
            return authd::app::run_admin(app.operators(), cmd.admin, std::cin, isatty(STDIN_FILENO) == 1, rng,
                                         std::cout, std::cerr);
        if (cmd.command == "keys") return app.keys(cmd.keys_action, std::cout, std::cerr);
        if (cmd.command == "cleanup") {
            app.cleanup(std::cout);
            return 0;
        }
        // A long-running command writes its log from a thread of its own; a one-shot command's lines stay in order
        // with what it prints.
        if (cmd.command == "outbox-relay") {
            const authd::http::log_writer_thread log_output;
            app.start_relay_only();
            std::cerr << "authd: relaying the outbox"
                      << (cmd.settings.redis_url.empty() ? " to standard output" : " to Redis") << "\n";
            int signal = 0;
            sigwait(&stop_signals, &signal);
            app.stop();
            app.wait();
            return 0;
        }
        const authd::http::log_writer_thread log_output;
        app.start();
        std::cerr << "authd: listening on " << cmd.settings.host << ":" << app.port()
                  << (cmd.settings.development ? " (development mode)" : "") << "\n";
        int signal = 0;
        sigwait(&stop_signals, &signal);
        std::cerr << "authd: stopping: finishing in-flight requests\n";
        app.stop();
        app.wait();
        return 0;
    } catch (const std::invalid_argument& e) {
        return fail(2, e.what());
    } catch (const authd::storage_unavailable& e) {
        return fail(1, e.what());
    } catch (const std::exception& e) {
        return fail(1, e.what());
    }
}
