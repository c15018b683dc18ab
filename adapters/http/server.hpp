#pragma once
// The HTTP/1.1 listener. Boost.Beast and Asio stay inside server.cpp (pimpl), so
// that the files including this header see only the plain types of message.hpp.
#include "adapters/http/message.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace authd::http {

struct server_options {
    std::string address = "0.0.0.0";
    unsigned short port = 3003;                      ///< 0 = pick a free port; see server::port()
    int io_threads = 2;                              ///< at least one is used
    std::size_t max_body_bytes = 1 << 20;            ///< over it: 413
    std::size_t max_header_bytes = 8192;             ///< over it: 431
    std::chrono::milliseconds header_timeout{5000};  ///< from a request's first byte to the end of its headers
    std::chrono::milliseconds read_timeout{15000};   ///< for a whole request, and again for writing its response
    std::chrono::milliseconds idle_timeout{60000};   ///< keep-alive connection waiting for its next request
    std::size_t max_connections = 10000;             ///< open sockets at once; past it new ones are closed at once
    std::size_t max_connections_per_ip = 256;        ///< open sockets of one client address (IPv6: per /64)
    /// Peers not held to max_connections_per_ip (TRUSTED_PROXIES: a gateway carries every client's connections);
    /// max_connections still counts them. Empty: every peer is held to it.
    std::function<bool(const std::string& peer)> uncapped_peer = {};
    /// Both set: HTTPS only (TLS 1.2 or later, handshake within read_timeout) with this PEM certificate chain and
    /// private key, loaded by start() (std::invalid_argument if unusable). Both empty: plain HTTP.
    std::string tls_cert_file;
    std::string tls_key_file;
};

/// Builds the whole response for a request that could not be parsed or broke a limit (400, 413 or 431), or that
/// sent its body in a transfer coding authd does not decode (501), and the
/// last-resort 500 for a handler that threw or lost its `respond`. Called with the status and the peer's IP; the
/// connection is closed after the response.
using protocol_error_fn = std::function<response(int status, const std::string& remote_ip)>;

namespace detail {
class server_core;
}

class server {
public:
    /// `handler` answers every parsed request; it may call `respond` later, from any thread, exactly once.
    /// A handler that throws, or drops `respond` without calling it, gets protocol_error's 500 and the connection closes.
    server(server_options options, handler_fn handler, protocol_error_fn protocol_error);
    ~server();  ///< stop() then wait()
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Binds, listens and starts the io threads. Throws std::runtime_error naming the address if that fails,
    /// std::logic_error if called twice or after stop().
    void start();
    /// The bound port, once start() has returned.
    unsigned short port() const;
    /// Graceful and idempotent, callable from any thread: stops accepting before it returns, lets in-flight requests
    /// finish and their responses be written (with `Connection: close`), closes idle keep-alive connections.
    /// The io threads end once all that is done, which wait() observes.
    void stop();
    /// Blocks until the io threads have ended. Not to be called from a handler running on an io thread.
    void wait();

private:
    // Shared rather than unique: a `respond` callback kept past the server's life keeps the io objects it
    // refers to alive instead of dangling.
    std::shared_ptr<detail::server_core> core_;
};

}  // namespace authd::http
