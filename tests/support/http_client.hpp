#pragma once
// A blocking HTTP/1.1 client for tests. Boost.Beast stays inside http_client.cpp.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd::test {

struct http_reply {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// First header of that name (case-insensitive), if any.
    std::optional<std::string> header(std::string_view name) const;
};

/// One keep-alive connection, opened on the first request and reopened when the server closed it.
/// Throws std::runtime_error when it cannot connect or the exchange fails on a fresh connection.
class http_client {
public:
    explicit http_client(unsigned short port, std::string host = "127.0.0.1");
    ~http_client();
    http_client(const http_client&) = delete;
    http_client& operator=(const http_client&) = delete;

    /// Adds Host, Content-Length, and `Content-Type: application/json` when `body` is non-empty and no Content-Type
    /// is given.
    http_reply request(std::string method, std::string target, std::string body = {},
                       std::vector<std::pair<std::string, std::string>> headers = {});

    /// True if the peer has closed the current connection (or there is none). Waits up to `wait` for the close to
    /// arrive, so a connection that stays open costs the whole wait.
    bool connection_closed_by_peer(std::chrono::milliseconds wait = std::chrono::milliseconds{1000});

    /// How many TCP connections this client has opened, to tell keep-alive from reconnection.
    std::size_t connections_opened() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Sends raw bytes on a fresh connection to 127.0.0.1 and returns everything read until the peer closes or
/// `deadline` passes. The sending side is left open, so the server cannot mistake the end of `bytes` for a hang-up.
std::string raw_exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds deadline);

/// One step of raw_conversation: `bytes` to send once what was read holds `after` (at once when it is empty).
struct raw_step {
    std::string after;
    std::string bytes;
};
/// raw_exchange in steps, each sent after the answer it waits for: bytes the server must have read apart.
std::string raw_conversation(unsigned short port, const std::vector<raw_step>& steps,
                             std::chrono::milliseconds deadline);

}  // namespace authd::test
