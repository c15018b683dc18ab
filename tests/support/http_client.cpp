#include "tests/support/http_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>

namespace authd::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string to_string(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace

std::optional<std::string> http_reply::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return value;
    return std::nullopt;
}

struct http_client::impl {
    asio::io_context io;
    tcp::socket socket{io};
    beast::flat_buffer buffer;
    tcp::endpoint endpoint;
    std::string host_header;
    bool reusable = false;  // open, and the last response let the connection live on
    std::size_t connections = 0;

    void connect() {
        disconnect();
        beast::error_code ec;
        socket.connect(endpoint, ec);
        if (ec) throw std::runtime_error("http_client: cannot connect to " + host_header + ": " + ec.message());
        ++connections;
        reusable = true;
    }

    void disconnect() {
        beast::error_code ignored;
        socket.close(ignored);
        buffer.clear();
        reusable = false;
    }

    // Empty when no whole response arrived.
    std::optional<http_reply> exchange(const bhttp::request<bhttp::string_body>& request, bool head) {
        beast::error_code write_error;
        bhttp::write(socket, request, write_error);
        // Read even if the write failed: the server may have answered (a 413, say) before closing on us.
        bhttp::response_parser<bhttp::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        parser.skip(head);  // a response to HEAD announces a length but carries no body
        beast::error_code ec;
        bhttp::read(socket, buffer, parser, ec);
        if (ec) return std::nullopt;
        auto& message = parser.get();
        http_reply reply;
        reply.status = static_cast<int>(message.result_int());
        for (const auto& field : message)
            reply.headers.emplace_back(to_string(field.name_string()), to_string(field.value()));
        reply.body = std::move(message.body());
        reusable = !write_error && !message.need_eof();
        return reply;
    }
};

http_client::http_client(unsigned short port, std::string host) : impl_(std::make_unique<impl>()) {
    impl_->endpoint = tcp::endpoint{asio::ip::make_address(host), port};
    impl_->host_header = host + ":" + std::to_string(port);
}

http_client::~http_client() = default;

http_reply http_client::request(std::string method, std::string target, std::string body,
                                std::vector<std::pair<std::string, std::string>> headers) {
    bhttp::request<bhttp::string_body> message;
    if (const auto verb = bhttp::string_to_verb(method); verb != bhttp::verb::unknown) message.method(verb);
    else message.method_string(method);
    message.target(target);
    message.version(11);
    message.set(bhttp::field::host, impl_->host_header);
    bool has_content_type = false;
    for (const auto& [name, value] : headers) {
        has_content_type = has_content_type || iequals(name, "Content-Type");
        if (iequals(name, "Host")) message.set(bhttp::field::host, value);  // a test's own Host replaces ours
        else message.insert(name, value);
    }
    if (!body.empty() && !has_content_type) message.set(bhttp::field::content_type, "application/json");
    message.body() = std::move(body);
    message.prepare_payload();

    for (int attempt = 0;; ++attempt) {
        const bool reused = impl_->reusable && !connection_closed_by_peer(std::chrono::milliseconds{0});
        if (!reused) impl_->connect();
        if (auto reply = impl_->exchange(message, message.method() == bhttp::verb::head)) return std::move(*reply);
        impl_->disconnect();
        // A kept-alive connection may have been closed by the server just as we sent: retry once on a fresh one.
        if (!reused || attempt > 0)
            throw std::runtime_error("http_client: " + method + " " + target + " got no response");
    }
}

bool http_client::connection_closed_by_peer(std::chrono::milliseconds wait) {
    if (!impl_->socket.is_open()) return true;
    pollfd poller{impl_->socket.native_handle(), POLLIN | POLLRDHUP, 0};
    if (::poll(&poller, 1, static_cast<int>(wait.count())) <= 0) return false;
    if (poller.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
    char byte = 0;
    const auto n = ::recv(poller.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

std::size_t http_client::connections_opened() const { return impl_->connections; }

std::string raw_exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds deadline) {
    return raw_conversation(port, {{"", bytes}}, deadline);
}

std::string raw_conversation(unsigned short port, const std::vector<raw_step>& steps,
                             std::chrono::milliseconds deadline) {
    asio::io_context io;
    tcp::socket socket{io};
    socket.connect(tcp::endpoint{asio::ip::make_address_v4("127.0.0.1"), port});
    socket.set_option(tcp::no_delay(true));
    std::string received;
    std::array<char, 4096> chunk{};
    std::size_t next = 0;
    // Sends every step whose answer is in; the buffers are the steps' own, which outlive the io_context's run.
    const auto send_due = [&] {
        while (next < steps.size() && received.find(steps[next].after) != std::string::npos)
            asio::async_write(socket, asio::buffer(steps[next++].bytes), [](beast::error_code, std::size_t) {});
    };
    std::function<void()> read_more = [&] {
        socket.async_read_some(asio::buffer(chunk), [&](beast::error_code ec, std::size_t n) {
            received.append(chunk.data(), n);
            send_due();
            if (!ec) read_more();
        });
    };
    send_due();
    read_more();
    io.run_for(deadline);  // returns early once the peer has closed and the writes are over
    return received;
}

}  // namespace authd::test
