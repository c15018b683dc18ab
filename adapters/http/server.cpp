#include "adapters/http/server.hpp"

#include "adapters/http/beast_request.hpp"
#include "adapters/http/request_reader.hpp"
#include "adapters/http/response_bytes.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace authd::http::detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;

namespace {

// Bytes asked for while a keep-alive connection waits for its next request; the parser reads the rest.
constexpr std::size_t first_read_bytes = 4096;
// At most this much of a request at a time, once the first read has come (as Beast's read functions read).
constexpr std::size_t max_read_bytes = 65536;
// After an error response the server drains what the client still sends (see http_connection::linger) up to these.
constexpr milliseconds max_linger{1000};
constexpr std::size_t max_drain_bytes = 1 << 20;
// A connection keeps its response buffer between requests up to this; a bigger one (an events page) is let go.
constexpr std::size_t max_kept_response_bytes = 16 * 1024;

asio::ip::address peer_address(const tcp::socket& socket) {
    beast::error_code ec;
    const auto address = socket.remote_endpoint(ec).address();
    if (ec) return {};
    // A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; callers (rate limits, logs) want a.b.c.d.
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    return address;
}

/// Whose share of MAX_CONNECTIONS_PER_IP a connection takes: its address, or for IPv6 its /64, which one client
/// usually owns whole.
std::string client_network(const asio::ip::address& address) {
    if (!address.is_v6()) return address.to_string();
    auto bytes = address.to_v6().to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), static_cast<unsigned char>(0));
    return asio::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

// What the core and a handler's `respond` need of a connection, whatever its stream (plain TCP or TLS).
class connection_base : public std::enable_shared_from_this<connection_base> {
public:
    connection_base() = default;
    virtual ~connection_base() = default;
    connection_base(const connection_base&) = delete;
    connection_base& operator=(const connection_base&) = delete;
    /// The executor of the one io thread the connection lives on: every handler of the connection runs there.
    virtual const asio::any_io_executor& executor() const noexcept = 0;
    virtual void start() = 0;
    virtual void deliver(response res, bool close_after) = 0;
    virtual void on_stop() = 0;
    /// The 500 for a handler that threw or lost its `respond`: the pipeline's, with every usual header.
    virtual response last_resort() const = 0;
};

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

class server_core : public std::enable_shared_from_this<server_core> {
public:
    server_core(server_options options, handler_fn handler, protocol_error_fn protocol_error)
        : options_(std::move(options)),
          handler_(std::move(handler)),
          protocol_error_(std::move(protocol_error)),
          ios_(make_contexts(std::max(1, options_.io_threads))),
          acceptor_(*ios_.front()),
          accept_retry_(*ios_.front()) {
        if (!handler_ || !protocol_error_) throw std::invalid_argument("authd::http::server: empty handler");
        for (auto& io : ios_) open_until_stop_.emplace_back(io->get_executor());
    }
    ~server_core() {
        // Only reached with live threads when wait() was misused from an io thread; better a leak than terminate().
        for (auto& t : threads_)
            if (t.joinable()) t.detach();
    }
    server_core(const server_core&) = delete;
    server_core& operator=(const server_core&) = delete;

    void start();
    void stop();
    void wait();

    unsigned short port() const noexcept { return port_; }
    bool stopping() const noexcept { return stopping_; }
    const server_options& options() const noexcept { return options_; }
    void handle(request req, std::function<void(response)> respond) const {
        handler_(std::move(req), std::move(respond));
    }
    response protocol_error(int status, const std::string& remote_ip) const {
        return protocol_error_(status, remote_ip);
    }

    /// Counts a new connection of `network` against the caps (the per-IP one only when `capped_per_ip`); false (and
    /// nothing counted) when it is over one.
    bool reserve(const std::string& network, bool capped_per_ip);
    void track(connection_base* connection, std::weak_ptr<connection_base> weak);
    /// Forgets a connection and gives back what reserve() counted.
    void untrack(connection_base* connection, const std::string& network);

private:
    static std::vector<std::unique_ptr<asio::io_context>> make_contexts(int count);
    /// The io_context of the next connection: round robin over the io threads.
    asio::io_context& next_context() noexcept { return *ios_[next_io_++ % ios_.size()]; }
    void load_tls();
    void listen();
    void accept();
    void on_accept(beast::error_code ec, tcp::socket socket);
    void run(asio::io_context& io) noexcept;

    const server_options options_;
    const handler_fn handler_;
    const protocol_error_fn protocol_error_;
    // One io_context per io thread, each run by that thread alone: a connection lives on one of them, so its
    // handlers never run at once and need no strand (no lock, no queue of their own), and the threads do not contend
    // for one scheduler. Before the io objects below, which must be destroyed first.
    std::vector<std::unique_ptr<asio::io_context>> ios_;
    // Keeps every io thread running while there is nothing to do yet; released by stop(), after which a thread ends
    // once its connections have.
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> open_until_stop_;
    std::atomic<std::size_t> next_io_{0};

    std::mutex acceptor_mutex_;  // accept() runs on io threads, stop() on any thread
    tcp::acceptor acceptor_;
    asio::steady_timer accept_retry_;  // only touched by the single accept chain
    milliseconds accept_backoff_{0};   // likewise
    std::atomic<unsigned short> port_{0};
    std::atomic<bool> started_{false};
    std::atomic<bool> stopping_{false};

    std::mutex connections_mutex_;
    std::unordered_map<connection_base*, std::weak_ptr<connection_base>> connections_;  // for stop() to reach them
    std::size_t open_connections_ = 0;                                                  // reserved, not yet untracked
    std::unordered_map<std::string, std::size_t> open_per_network_;

    std::optional<asio::ssl::context> tls_;  // set by start() when options_ name a certificate and key

    std::mutex threads_mutex_;
    std::vector<std::thread> threads_;
};

// One TCP connection, over `Stream`: beast::tcp_stream (plain HTTP) or tls_stream (HTTPS: a TLS handshake first).
// Every member is touched on its io thread only, except executor_ (immutable) which pending_response and stop() post to
// from other threads.
template <class Stream>
class http_connection final : public connection_base {
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

public:
    /// `tls_context...`: the asio::ssl::context of a TLS connection, nothing for a plain one.
    /// `network` was reserve()d by the caller; the connection gives it back when it ends.
    template <class... TlsContext>
    http_connection(tcp::socket socket, std::string remote_ip, std::string network, std::shared_ptr<server_core> core,
                    TlsContext&... tls_context)
        : core_(std::move(core)),
          remote_ip_(std::move(remote_ip)),
          network_(std::move(network)),
          stream_(std::move(socket), tls_context...),
          executor_(stream_.get_executor()) {}
    ~http_connection() override { core_->untrack(this, network_); }

    const asio::any_io_executor& executor() const noexcept override { return executor_; }

    void start() override {
        core_->track(this, weak_from_this());
        asio::post(executor_, [self = shared_self()] {
            if constexpr (is_tls) self->handshake();
            else self->read_first();
        });
    }

    // Graceful stop: a connection with no request under way goes now; one with a request goes after its response.
    void on_stop() override {
        if (phase_ == phase::idle || (phase_ == phase::reading && !reader_.received_any(buffer_))) close();
    }

    response last_resort() const override {
        try {
            return core_->protocol_error(500, remote_ip_);
        } catch (...) {
            return response{500, {}, {}};
        }
    }

    void deliver(response res, bool close_after) override {
        phase_ = phase::writing;
        const bool keep_alive = keep_alive_ && !close_after && !core_->stopping();
        try {
            keep_open_ = write_response(std::move(res), {version_, head_, keep_alive}, out_);
        } catch (...) {
            in_flight_.reset();
            return close();
        }
        tcp().expires_after(core_->options().read_timeout);
        asio::async_write(stream_, asio::buffer(out_),
                          beast::bind_front_handler(&http_connection::on_write, shared_self()));
        in_flight_.reset();  // the write now keeps the io thread alive
    }

private:
    enum class phase { reading, idle, handling, writing, closing };

    // TLS: the handshake has header_timeout, like a request's headers; a peer that is not speaking TLS is closed
    // without a word. Counts as reading with nothing received, so that a graceful stop closes it at once.
    void handshake() {
        if (core_->stopping()) return close();
        phase_ = phase::reading;
        tcp().expires_after(core_->options().header_timeout);
        stream_.async_handshake(asio::ssl::stream_base::server,
                                beast::bind_front_handler(&http_connection::on_handshake, shared_self()));
    }

    void on_handshake(beast::error_code ec) {
        if (ec || phase_ == phase::closing) return close();
        read_first();
    }

    // A connection's first bytes, read as those after an idle wait are (a request usually arrives whole in them), but
    // under the header timeout from the start: it is not restarted when they come.
    void read_first() {
        if (phase_ == phase::closing || core_->stopping()) return close();
        phase_ = phase::reading;
        const auto& o = core_->options();
        tcp().expires_after(std::min(o.header_timeout, o.read_timeout));
        stream_.async_read_some(buffer_.prepare(first_read_bytes),
                                [self = shared_self()](beast::error_code ec, std::size_t bytes) {
                                    if (ec || self->phase_ == phase::closing) return self->close();
                                    self->buffer_.commit(bytes);
                                    self->read_request(/*timer_running=*/true);
                                });
    }

    // The headers must arrive within header_timeout, the whole request within read_timeout: a client trickling its
    // headers a byte at a time holds a connection for seconds, not for the body's allowance.
    void read_request(bool timer_running = false) {
        if (phase_ == phase::closing) return;
        reader_.begin(buffer_);
        if (core_->stopping() && !reader_.received_any(buffer_)) return close();
        timer_ = timer_running ? request_timer::headers : request_timer::none;
        phase_ = phase::reading;
        parse();
    }

    // Parses what is buffered as far as it goes and reads on until the request is whole (request_reader.hpp has the
    // rules). A request usually arrives whole in one read: then no asynchronous read, trip through the io queue or
    // change of the timer happens.
    void parse() {
        switch (reader_.parse(buffer_)) {
            case request_reader::progress::failed: return on_failure();
            case request_reader::progress::done: return on_request();
            case request_reader::progress::header: return on_header();
            case request_reader::progress::more: break;
        }
        // The timer that bounds what is still to come: the headers', then the whole request's. Set only now, when a
        // read is needed, so that a request that came whole never changes it.
        const auto wanted = reader_.header_done() ? request_timer::whole : request_timer::headers;
        if (timer_ != wanted) {
            const auto& o = core_->options();
            tcp().expires_after(wanted == request_timer::headers ? std::min(o.header_timeout, o.read_timeout)
                                                                 : o.read_timeout);
            timer_ = wanted;
        }
        const auto room = std::clamp<std::size_t>(buffer_.capacity() - buffer_.size(), 512, max_read_bytes);
        stream_.async_read_some(buffer_.prepare(room), [self = shared_self()](beast::error_code ec, std::size_t bytes) {
            if (self->phase_ == phase::closing) return;
            if (ec) {
                self->reader_.read_failed(ec);
                return self->on_failure();
            }
            self->buffer_.commit(bytes);
            self->parse();
        });
    }

    void on_header() {
        if (reader_.awaits_continue(buffer_)) {
            // A client that asked for it waits (curl: a second) before it sends the body (RFC 9110, 10.1.1).
            static constexpr std::string_view go_on = "HTTP/1.1 100 Continue\r\n\r\n";
            return asio::async_write(stream_, asio::buffer(go_on.data(), go_on.size()),
                                     [self = shared_self()](beast::error_code write_ec, std::size_t) {
                                         if (write_ec || self->phase_ == phase::closing) return self->close();
                                         self->parse();
                                     });
        }
        parse();
    }

    // Between keep-alive requests the client may think for up to idle_timeout; once it starts a request it has
    // read_timeout to finish it.
    void wait_for_request() {
        if (buffer_.size() > 0) return read_request();  // pipelined
        if (core_->stopping()) return close();
        phase_ = phase::idle;
        tcp().expires_after(core_->options().idle_timeout);
        stream_.async_read_some(buffer_.prepare(first_read_bytes),
                                beast::bind_front_handler(&http_connection::on_first_bytes, shared_self()));
    }

    void on_first_bytes(beast::error_code ec, std::size_t bytes) {
        if (ec || phase_ == phase::closing) return close();
        buffer_.commit(bytes);
        read_request();
    }

    void on_failure() {
        if (const auto status = reader_.failure()) return reject(*status);
        close();
    }

    void on_request() {
        auto message = reader_.take();
        keep_alive_ = request_reader::keeps_alive(message);
        version_ = message.version();
        head_ = message.method() == bhttp::verb::head;
        phase_ = phase::handling;
        // Nothing of ours is pending while the handler works: this keeps io_context::run from returning meanwhile,
        // which is also how stop() ends up waiting for in-flight requests.
        in_flight_.emplace(asio::prefer(executor_, asio::execution::outstanding_work.tracked));
        call_handler(std::move(message));
    }

    void call_handler(bhttp::request<bhttp::string_body>&& message);

    void on_write(beast::error_code ec, std::size_t) {
        if (ec || !keep_open_ || phase_ == phase::closing) return close();
        if (out_.capacity() > max_kept_response_bytes) std::string().swap(out_);  // a large answer's buffer goes
        wait_for_request();
    }

    void reject(int status) {
        phase_ = phase::writing;
        response res;
        try {
            res = core_->protocol_error(status, remote_ip_);
        } catch (...) {
            res = response{status, {}, {}};
        }
        try {
            write_response(std::move(res), {.version = 11, .head = false, .keep_alive = false}, out_);
        } catch (...) {
            return close();
        }
        tcp().expires_after(core_->options().read_timeout);
        asio::async_write(stream_, asio::buffer(out_), [self = shared_self()](beast::error_code ec, std::size_t) {
            if (ec) return self->close();
            self->linger();
        });
    }

    // Closing with unread request bytes makes the kernel send a reset, which can destroy the error response before
    // the client has read it. So half-close, then drain what the client still sends, for a bounded time and size.
    void linger() {
        phase_ = phase::closing;
        beast::error_code ignored;
        tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
        buffer_.clear();
        tcp().expires_after(std::min(core_->options().read_timeout, max_linger));
        drain(0);
    }

    void drain(std::size_t drained) {
        stream_.async_read_some(buffer_.prepare(first_read_bytes),
                                [self = shared_self(), drained](beast::error_code ec, std::size_t bytes) {
                                    if (ec || drained + bytes > max_drain_bytes) return self->close();
                                    self->drain(drained + bytes);
                                });
    }

    void close() {
        phase_ = phase::closing;
        tcp().close();
    }

    std::shared_ptr<http_connection> shared_self() {
        return std::static_pointer_cast<http_connection>(shared_from_this());
    }
    /// The TCP stream under TLS (or the stream itself): timeouts, shutdown and close act there.
    beast::tcp_stream& tcp() noexcept { return beast::get_lowest_layer(stream_); }

    std::shared_ptr<server_core> core_;  // first, so that the io objects below die before the io_context they use
    std::string remote_ip_;
    std::string network_;
    Stream stream_;
    asio::any_io_executor executor_;
    beast::flat_buffer buffer_;
    // Which timeout of the request the stream's timer runs (parse): none yet, when it came in an earlier one's read.
    enum class request_timer { none, headers, whole } timer_ = request_timer::none;
    request_reader reader_{{core_->options().max_body_bytes, core_->options().max_header_bytes}};
    std::string out_;  // the response being written; its capacity is reused by the next one
    std::optional<asio::any_io_executor> in_flight_;  // tracks work: the io thread runs on while a handler works
    phase phase_ = phase::reading;
    bool keep_alive_ = false;  // the request's wish
    bool keep_open_ = false;   // the response's decision
    bool head_ = false;
    unsigned version_ = 11;
};

namespace {

// The state behind a handler's `respond`: hands the response to the connection's io thread, once. A handler that
// answers at once on the network thread (a fast path) is already on that thread: dispatch then delivers inline, saving a
// queue round trip; from a worker thread it posts.
class pending_response {
public:
    explicit pending_response(std::shared_ptr<connection_base> connection) : connection_(std::move(connection)) {}
    pending_response(const pending_response&) = delete;
    pending_response& operator=(const pending_response&) = delete;
    ~pending_response() {
        // A handler that lost `respond` would otherwise leave the client waiting and stop() hanging.
        if (done_) return;  // the usual case; the last reference is gone, so nobody fulfils concurrently
        try {
            fulfil(connection_->last_resort(), true);
        } catch (...) {
        }
    }

    void fulfil(response res, bool close_after) {
        if (done_.exchange(true)) return;  // "exactly once": later calls are ignored
        asio::dispatch(connection_->executor(), [c = connection_, res = std::move(res), close_after]() mutable {
            c->deliver(std::move(res), close_after);
        });
    }

private:
    std::shared_ptr<connection_base> connection_;
    std::atomic<bool> done_{false};
};

}  // namespace

template <class Stream>
void http_connection<Stream>::call_handler(bhttp::request<bhttp::string_body>&& message) {
    auto pending = std::make_shared<pending_response>(shared_from_this());
    try {
        core_->handle(to_request(std::move(message), remote_ip_),
                      [pending](response res) { pending->fulfil(std::move(res), false); });
    } catch (...) {
        pending->fulfil(last_resort(), true);
    }
}

void server_core::start() {
    if (started_.exchange(true)) throw std::logic_error("authd::http::server: start() called twice");
    load_tls();
    listen();
    accept();
    std::lock_guard lock(threads_mutex_);
    for (auto& io : ios_) threads_.emplace_back([self = shared_from_this(), &io = *io] { self->run(io); });
}

void server_core::load_tls() {
    const auto& cert = options_.tls_cert_file;
    const auto& key = options_.tls_key_file;
    if (cert.empty() && key.empty()) return;
    if (cert.empty() || key.empty())
        throw std::invalid_argument("TLS_CERT_FILE and TLS_KEY_FILE go together: set both or neither");
    asio::ssl::context context(asio::ssl::context::tls_server);
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                        asio::ssl::context::single_dh_use);
    if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1)
        throw std::runtime_error("authd::http::server: cannot require TLS 1.2");
    beast::error_code ec;
    context.use_certificate_chain_file(cert, ec);
    if (ec) throw std::invalid_argument("TLS_CERT_FILE " + cert + " is not a usable PEM certificate: " + ec.message());
    context.use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec)
        throw std::invalid_argument("TLS_KEY_FILE " + key +
                                    " is not the PEM private key of TLS_CERT_FILE: " + ec.message());
    tls_.emplace(std::move(context));
}

void server_core::listen() {
    const auto& host = options_.address;
    const auto where =
        (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + std::to_string(options_.port);
    beast::error_code ec;
    const auto address = asio::ip::make_address(host, ec);
    if (ec) throw std::runtime_error("authd::http::server: cannot listen on " + where + ": " + ec.message());
    const tcp::endpoint endpoint{address, options_.port};

    std::lock_guard lock(acceptor_mutex_);
    if (stopping_) throw std::logic_error("authd::http::server: start() after stop()");
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) port_ = acceptor_.local_endpoint(ec).port();
    if (ec) {
        beast::error_code ignored;
        acceptor_.close(ignored);
        throw std::runtime_error("authd::http::server: cannot listen on " + where + ": " + ec.message());
    }
}

void server_core::accept() {
    std::lock_guard lock(acceptor_mutex_);
    if (!acceptor_.is_open()) return;
    // Handlers hold `this` raw: they only run inside the io threads, which own the core.
    acceptor_.async_accept(next_context(),
                           [this](beast::error_code ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
}

void server_core::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || stopping_) return;  // an accepted socket closes with `socket`
    if (ec && ec != asio::error::connection_aborted) {
        // Out of descriptors or memory, or anything else: accepting again at once would spin on the same error.
        // Back off, longer each time in a row, and give other connections time to end.
        accept_backoff_ = std::clamp(accept_backoff_ * 2, milliseconds{10}, milliseconds{1000});
        accept_retry_.expires_after(accept_backoff_);
        accept_retry_.async_wait([this](beast::error_code) { accept(); });
        return;
    }
    accept_backoff_ = milliseconds{0};
    if (!ec) {
        const auto address = peer_address(socket);
        const auto network = client_network(address);
        const bool capped = !options_.uncapped_peer || !options_.uncapped_peer(address.to_string());
        if (!reserve(network, capped)) {
            beast::error_code ignored;
            socket.close(ignored);  // over a connection cap: no response, the cheapest refusal
        } else {
            std::shared_ptr<connection_base> connection;
            try {
                if (tls_)
                    connection = std::make_shared<http_connection<tls_stream>>(std::move(socket), address.to_string(),
                                                                               network, shared_from_this(), *tls_);
                else
                    connection = std::make_shared<http_connection<beast::tcp_stream>>(
                        std::move(socket), address.to_string(), network, shared_from_this());
            } catch (...) {  // no memory for this one: give back its place and keep serving the others
                untrack(nullptr, network);
            }
            try {
                if (connection) connection->start();  // from here on, the connection gives its place back itself
            } catch (...) {
            }
        }
    }
    accept();
}

void server_core::stop() {
    if (stopping_.exchange(true)) return;
    {
        std::lock_guard lock(acceptor_mutex_);
        beast::error_code ignored;
        acceptor_.close(ignored);  // synchronous, so that no connection is accepted once stop() has returned
    }
    std::vector<std::shared_ptr<connection_base>> live;
    {
        std::lock_guard lock(connections_mutex_);
        for (const auto& [raw, weak] : connections_)
            if (auto connection = weak.lock()) live.push_back(std::move(connection));
    }
    for (auto& connection : live) asio::post(connection->executor(), [connection] { connection->on_stop(); });
    // A connection registered after the copy above saw stopping_ already (it is set before connections_mutex_ is
    // taken) and closes by itself before its first read.
    // Only now may the io threads run out of work: a post into an io_context that has finished would never run, and
    // the connection it holds would keep the whole core alive.
    for (auto& guard : open_until_stop_) guard.reset();
}

void server_core::wait() {
    std::lock_guard lock(threads_mutex_);
    for (auto& t : threads_)
        if (t.joinable()) t.join();
}

std::vector<std::unique_ptr<asio::io_context>> server_core::make_contexts(int count) {
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    for (int i = 0; i < count; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));  // 1: one thread runs it
    return contexts;
}

void server_core::run(asio::io_context& io) noexcept {
    for (;;) {
        try {
            io.run();  // returns after stop() once nothing is pending: connections gone, no request in flight
            return;
        } catch (...) {  // a handler threw: keep serving; nothing of ours throws on purpose
        }
    }
}

bool server_core::reserve(const std::string& network, bool capped_per_ip) {
    std::lock_guard lock(connections_mutex_);
    auto& mine = open_per_network_[network];
    if (open_connections_ >= options_.max_connections || (capped_per_ip && mine >= options_.max_connections_per_ip)) {
        if (mine == 0) open_per_network_.erase(network);
        return false;
    }
    ++open_connections_;
    ++mine;
    return true;
}

void server_core::track(connection_base* connection, std::weak_ptr<connection_base> weak) {
    std::lock_guard lock(connections_mutex_);
    connections_.emplace(connection, std::move(weak));
}

void server_core::untrack(connection_base* connection, const std::string& network) {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
    --open_connections_;
    const auto it = open_per_network_.find(network);
    if (it != open_per_network_.end() && --it->second == 0) open_per_network_.erase(it);
}

}  // namespace authd::http::detail

namespace authd::http {

server::server(server_options options, handler_fn handler, protocol_error_fn protocol_error)
    : core_(std::make_shared<detail::server_core>(std::move(options), std::move(handler), std::move(protocol_error))) {}

server::~server() {
    core_->stop();
    try {
        core_->wait();
    } catch (...) {  // wait() from an io thread (misuse): the threads are detached instead
    }
}

void server::start() { core_->start(); }
unsigned short server::port() const { return core_->port(); }
void server::stop() { core_->stop(); }
void server::wait() { core_->wait(); }

}  // namespace authd::http
