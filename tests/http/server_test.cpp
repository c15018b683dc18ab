#include "adapters/http/server.hpp"
#include "tests/support/http_client.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using authd::http::request;
using authd::http::response;
using authd::http::server;
using authd::http::server_options;
using authd::test::http_client;
using authd::test::http_reply;
using authd::test::raw_conversation;
using authd::test::raw_exchange;

namespace {

using respond_fn = std::function<void(response)>;

server_options local_options() {
    server_options options;
    options.address = "127.0.0.1";
    options.port = 0;
    return options;
}

response text(int status, std::string body) {
    response res{status, {}, std::move(body)};
    res.set_header("Content-Type", "text/plain");
    return res;
}

// Answers every request at once with its path as the body.
void echo_path(request req, respond_fn respond) { respond(text(200, req.path)); }

// Answers every request at once with its method, path and body: "POST /up [hello]".
void echo_request(request req, respond_fn respond) {
    respond(text(200, req.method + " " + req.path + " [" + req.body + "]"));
}

// Stands in for the caller's error pages, and remembers what the server asked of it.
class protocol_errors {
public:
    authd::http::protocol_error_fn fn() {
        return [this](int status, const std::string& remote_ip) {
            std::lock_guard lock(mutex_);
            calls_.emplace_back(status, remote_ip);
            return text(status, "protocol error " + std::to_string(status));
        };
    }
    std::vector<std::pair<int, std::string>> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    std::mutex mutex_;
    std::vector<std::pair<int, std::string>> calls_;
};

// Handlers that hold on to `respond` until the test releases them.
class parked_responses {
public:
    void park(respond_fn respond) {
        std::lock_guard lock(mutex_);
        parked_.push_back(std::move(respond));
        changed_.notify_all();
    }
    bool wait_for(std::size_t count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return parked_.size() >= count; });
    }
    void release_all(const response& res) {
        std::vector<respond_fn> parked;
        {
            std::lock_guard lock(mutex_);
            parked.swap(parked_);
        }
        for (auto& respond : parked) respond(res);
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<respond_fn> parked_;
};

// Joins its threads on the way out, even when an assertion unwinds the test.
class thread_group {
public:
    ~thread_group() { join(); }
    template <class F>
    void spawn(F f) {
        std::lock_guard lock(mutex_);
        threads_.emplace_back(std::move(f));
    }
    void join() {
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            threads.swap(threads_);
        }
        for (auto& t : threads) t.join();
    }

private:
    std::mutex mutex_;
    std::vector<std::thread> threads_;
};

std::string header_of(const http_reply& reply, std::string_view name) { return reply.header(name).value_or("<none>"); }

}  // namespace

TEST_CASE("A GET request receives the handler's status, headers and body", "[http][server]") {
    std::mutex mutex;
    std::optional<request> seen;
    protocol_errors errors;
    server srv(
        local_options(),
        [&](request req, respond_fn respond) {
            {
                std::lock_guard lock(mutex);
                seen = req;
            }
            auto res = text(201, "hello " + req.path);
            res.set_header("X-Trace", "abc");
            res.headers.push_back({"Set-Cookie", "a=1"});
            res.headers.push_back({"Set-Cookie", "b=2"});
            respond(std::move(res));
        },
        errors.fn());
    srv.start();
    REQUIRE(srv.port() != 0);

    http_client client(srv.port());
    const auto reply = client.request("GET", "/hello?name=a%20b&x=1", {}, {{"X-Test", "yes"}});

    CHECK(reply.status == 201);
    CHECK(reply.body == "hello /hello");
    CHECK(header_of(reply, "content-type") == "text/plain");
    CHECK(header_of(reply, "X-Trace") == "abc");
    CHECK(header_of(reply, "Content-Length") == "12");
    std::vector<std::string> cookies;
    for (const auto& [name, value] : reply.headers)
        if (name == "Set-Cookie") cookies.push_back(value);
    CHECK(cookies == std::vector<std::string>{"a=1", "b=2"});

    std::lock_guard lock(mutex);
    REQUIRE(seen.has_value());
    CHECK(seen->method == "GET");
    CHECK(seen->target == "/hello?name=a%20b&x=1");
    CHECK(seen->path == "/hello");
    CHECK(seen->query == "name=a%20b&x=1");
    CHECK(seen->query_param("name").value_or("<none>") == "a b");
    CHECK(seen->find_header("x-test").value_or("<none>") == "yes");
    CHECK(seen->find_header("host").has_value());
    CHECK(seen->remote_ip == "127.0.0.1");
    CHECK(seen->body.empty());
    CHECK(errors.calls().empty());
}

TEST_CASE("A POST body and the request headers reach the handler in order", "[http][server]") {
    std::mutex mutex;
    std::optional<request> seen;
    protocol_errors errors;
    server srv(
        local_options(),
        [&](request req, respond_fn respond) {
            {
                std::lock_guard lock(mutex);
                seen = req;
            }
            respond(text(200, "ok"));
        },
        errors.fn());
    srv.start();

    http_client client(srv.port());
    CHECK(client.request("POST", "/things", R"({"a":1})", {{"X-First", "1"}, {"X-Second", "2"}}).status == 200);

    std::lock_guard lock(mutex);
    REQUIRE(seen.has_value());
    CHECK(seen->method == "POST");
    CHECK(seen->body == R"({"a":1})");
    CHECK(seen->find_header("content-type").value_or("<none>") == "application/json");
    std::vector<std::string> names;
    for (const auto& h : seen->headers)
        if (h.name.starts_with("X-")) names.push_back(h.name);
    CHECK(names == std::vector<std::string>{"X-First", "X-Second"});
}

TEST_CASE("Two requests on one keep-alive connection are both answered", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    http_client client(srv.port());
    const auto first = client.request("GET", "/one");
    const auto second = client.request("POST", "/two", "{}");

    CHECK(first.status == 200);
    CHECK(first.body == "/one");
    CHECK(second.status == 200);
    CHECK(second.body == "/two");
    CHECK(client.connections_opened() == 1);
    CHECK_FALSE(client.connection_closed_by_peer(100ms));
}

TEST_CASE("Pipelined requests are answered in order", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    const auto raw = raw_exchange(srv.port(),
                                  "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"
                                  "GET /b HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                                  5s);

    const auto a = raw.find("\r\n\r\n/a");
    const auto b = raw.find("\r\n\r\n/b");
    CHECK(a != std::string::npos);
    CHECK(b != std::string::npos);
    CHECK(a < b);
}

TEST_CASE("A request that reaches the server in two parts, split anywhere, is answered as if it came whole",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    // The first request is answered before the rest of the second is sent, so the server holds the second's first
    // part on its own: part of its headers, all of them, or those and part of its body.
    // Chunked, a part may end inside a chunk header, even the final one: the parser has seen those bytes and must
    // get more before it reads them again.
    const std::string first = "GET /one HTTP/1.1\r\nHost: t\r\n\r\n";
    const std::string chunked_head =
        "POST /two HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    for (const auto& [second, answer] : std::vector<std::pair<std::string, std::string>>{
             {"POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world",
              "POST /two [hello world]"},
             {chunked_head + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n", "POST /two [hello world]"},
             {chunked_head + "0\r\nX-Trailer: 1\r\n\r\n", "POST /two []"}}) {
        for (std::size_t split = 1; split < second.size(); ++split) {
            CAPTURE(second, split);
            const auto raw = raw_conversation(
                srv.port(), {{"", first + second.substr(0, split)}, {"GET /one []", second.substr(split)}}, 5s);
            CHECK(raw.find("GET /one []") != std::string::npos);
            CHECK(raw.find(answer) != std::string::npos);
        }
    }
    CHECK(errors.calls().empty());
}

TEST_CASE("A body larger than one read arrives whole, with a length or in chunks", "[http][server]") {
    protocol_errors errors;
    auto options = local_options();
    options.max_body_bytes = 1 << 20;
    server srv(options, echo_request, errors.fn());
    srv.start();

    std::string body;
    for (int i = 0; body.size() < 300'000; ++i) body += std::to_string(i) + ",";
    const auto length = raw_exchange(srv.port(),
                                     "POST /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body,
                                     5s);
    CHECK(length.find("POST /big [" + body + "]") != std::string::npos);

    std::string chunks;
    for (std::size_t at = 0; at < body.size(); at += 7'000) {
        const auto piece = body.substr(at, 7'000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx", piece.size());
        chunks += std::string(size) + "\r\n" + piece + "\r\n";
    }
    const auto chunked =
        raw_exchange(srv.port(),
                     "POST /big HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n" +
                         chunks + "0\r\n\r\n",
                     5s);
    CHECK(chunked.find("POST /big [" + body + "]") != std::string::npos);
    CHECK(errors.calls().empty());
}

TEST_CASE("A chunk's size line, extensions or trailers past max_header_bytes get 400, however slowly they come",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    const std::string head = "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string endless(64 * 1024, 'a');
    for (const auto& tail : {"5;" + endless, "5\r\nhello\r\n0\r\nX-Long: " + endless}) {
        const auto raw = raw_exchange(srv.port(), head + tail, 5s);
        CHECK(raw.starts_with("HTTP/1.1 400 "));
    }
    // Within the bound they are read: an extension and a trailer field.
    const auto ok =
        raw_exchange(srv.port(),
                     "POST /up HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "5;name=value\r\nhello\r\n0\r\nX-Trailer: " +
                         std::string(2000, 'b') + "\r\n\r\n",
                     5s);
    CHECK(ok.find("POST /up [hello]") != std::string::npos);
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>(2, {400, "127.0.0.1"}));
}

TEST_CASE("The request line and headers are held to max_header_bytes in all, however the reads split them",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    // Units of 4095 bytes that end one byte into a field: were each read judged alone, none would be over 8 KiB.
    std::string unit = ":b\r\n";
    while (unit.size() + 5 < 4094) unit += "a:b\r\n";
    unit += "a";
    std::string headers = "GET /many HTTP/1.1\r\nHost: t\r\na";
    for (int i = 0; i < 4; ++i) headers += unit;
    const auto raw = raw_exchange(srv.port(), headers + ":b\r\n\r\n", 5s);
    CHECK(raw.starts_with("HTTP/1.1 431 "));
    // The request line's bytes count with the headers': 5 KiB of each is over 8 KiB together.
    const auto long_target =
        "GET /" + std::string(5000, 'x') + " HTTP/1.1\r\nHost: t\r\nX-Pad: " + std::string(5000, 'y') + "\r\n\r\n";
    CHECK(raw_exchange(srv.port(), long_target, 5s).starts_with("HTTP/1.1 431 "));
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>(2, {431, "127.0.0.1"}));
}

TEST_CASE("Trailers of a chunked body are dropped: they never join the headers the handler reads", "[http][server]") {
    protocol_errors errors;
    server srv(
        local_options(),
        [](request req, respond_fn respond) {
            std::string names;
            for (const auto& h : req.headers) names += h.name + "=" + h.value + ";";
            respond(text(200, names + " [" + req.body + "]"));
        },
        errors.fn());
    srv.start();

    const auto raw = raw_exchange(srv.port(),
                                  "POST /t HTTP/1.1\r\nHost: t\r\nX-Forwarded-For: 10.0.0.1\r\nConnection: close\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-Forwarded-For: 203.0.113.7\r\n"
                                  "Authorization: Bearer forged\r\n\r\n",
                                  5s);
    CHECK(raw.find("X-Forwarded-For=10.0.0.1;") != std::string::npos);
    CHECK(raw.find("203.0.113.7") == std::string::npos);
    CHECK(raw.find("Authorization") == std::string::npos);
    CHECK(raw.find(" [hi]") != std::string::npos);
    CHECK(errors.calls().empty());
}

TEST_CASE("An HTTP/1.0 request with a chunked body is answered, then its connection closed", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    const auto raw = raw_exchange(srv.port(),
                                  "POST /old HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  "2\r\nhi\r\n0\r\n\r\nGET /next HTTP/1.0\r\n\r\n",
                                  5s);
    CHECK(raw.find("POST /old [hi]") != std::string::npos);
    CHECK(raw.find("/next") == std::string::npos);  // closed after the first answer, the second never read
    CHECK(errors.calls().empty());
}

TEST_CASE("Empty lines before a request line are skipped, on a fresh connection and between requests",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    const auto fresh = raw_exchange(srv.port(), "\r\n\r\nGET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 5s);
    CHECK(fresh.starts_with("HTTP/1.1 200 "));
    CHECK(fresh.find("GET /a []") != std::string::npos);

    // A CRLF after a POST's body: pipelined with the next request, then alone before a request sent later.
    const auto after_body = raw_conversation(srv.port(),
                                             {{"",
                                               "POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi\r\n"
                                               "GET /c HTTP/1.1\r\nHost: t\r\n\r\n\r\n"},
                                              {"GET /c []", "GET /d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"}},
                                             5s);
    CHECK(after_body.find("POST /b [hi]") != std::string::npos);
    CHECK(after_body.find("GET /c []") != std::string::npos);
    CHECK(after_body.find("GET /d []") != std::string::npos);

    // The last line end of a pipelined request's headers split: its CR comes with the request before it, its LF alone
    // once that one is answered.
    const auto last_crlf_split = raw_conversation(
        srv.port(),
        {{"", "GET /g HTTP/1.1\r\nHost: t\r\n\r\nGET /h HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r"},
         {"GET /g []", "\n"}},
        5s);
    CHECK(last_crlf_split.find("GET /g []") != std::string::npos);
    CHECK(last_crlf_split.find("GET /h []") != std::string::npos);
    // A line end split between two reads: its CR waits for its LF.
    const auto split = raw_conversation(srv.port(),
                                        {{"", "GET /e HTTP/1.1\r\nHost: t\r\n\r\n\r"},
                                         {"GET /e []", "\nGET /f HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"}},
                                        5s);
    CHECK(split.find("GET /e []") != std::string::npos);
    CHECK(split.find("GET /f []") != std::string::npos);
    CHECK(errors.calls().empty());
}

TEST_CASE("A body in a transfer coding other than chunked gets 501 from protocol_error, chunked alone is read",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    const std::string chunked_hello = "5\r\nhello\r\n0\r\n\r\n";
    for (const auto* coding : {"gzip, chunked", "deflate,chunked", "x-unknown , chunked"}) {
        INFO(coding);
        const auto whole = raw_exchange(srv.port(),
                                        "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + std::string(coding) +
                                            "\r\n\r\n" + chunked_hello,
                                        5s);
        CHECK(whole.starts_with("HTTP/1.1 501 "));
        CHECK(whole.find("POST /up") == std::string::npos);
        // Refused on its headers, before any of the body comes.
        const auto head_only = raw_exchange(
            srv.port(), "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + std::string(coding) + "\r\n\r\n", 5s);
        CHECK(head_only.starts_with("HTTP/1.1 501 "));
    }
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>(6, {501, "127.0.0.1"}));

    for (const auto* coding : {"chunked", "Chunked"}) {
        INFO(coding);
        const auto ok = raw_exchange(srv.port(),
                                     "POST /up HTTP/1.1\r\nHost: t\r\nConnection: close\r\nTransfer-Encoding: " +
                                         std::string(coding) + "\r\n\r\n" + chunked_hello,
                                     5s);
        CHECK(ok.find("POST /up [hello]") != std::string::npos);
    }
    CHECK(errors.calls().size() == 6);
}

TEST_CASE("A client that expects 100-continue gets it before it sends the body and only then the answer",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_request, errors.fn());
    srv.start();

    const std::string head =
        "POST /up HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\n";
    // The body goes only once the 100 is read: without it, this conversation would stall until its deadline.
    const auto raw = raw_conversation(srv.port(), {{"", head}, {"HTTP/1.1 100 Continue\r\n\r\n", "hello"}}, 5s);
    CHECK(raw.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"));
    CHECK(raw.find("POST /up [hello]") != std::string::npos);

    // A second request on a kept-alive connection, whose headers came with the first: the same.
    const auto second = raw_conversation(
        srv.port(), {{"", "GET /first HTTP/1.1\r\nHost: t\r\n\r\n" + head}, {"HTTP/1.1 100 Continue\r\n\r\n", "again"}},
        5s);
    CHECK(second.find("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n") != std::string::npos);
    CHECK(second.find("POST /up [again]") != std::string::npos);
    // A body over the limit is refused at once, with no 100 that would invite it.
    const auto over = raw_exchange(
        srv.port(), "POST /big HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 100000000\r\n\r\n", 5s);
    CHECK(over.starts_with("HTTP/1.1 413 "));
    // No 100 when nothing is to come (no body), nor to HTTP/1.0 (RFC 9110: it ignores the expectation).
    const auto bodiless =
        raw_exchange(srv.port(), "GET /g HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", 5s);
    CHECK(bodiless.starts_with("HTTP/1.1 200 OK\r\n"));
    const auto old =
        raw_exchange(srv.port(), "POST /o HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", 5s);
    CHECK(old.starts_with("HTTP/1.0 200 OK\r\n"));
    CHECK(old.find("100 Continue") == std::string::npos);
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>{{413, "127.0.0.1"}});  // the body over the limit
}

TEST_CASE("An HTTP/1.0 client that asks to keep the connection gets both answers on it, in HTTP/1.0",
          "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    const auto raw = raw_exchange(srv.port(),
                                  "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                                  "GET /b HTTP/1.0\r\n\r\n",
                                  5s);

    CHECK(raw.starts_with("HTTP/1.0 200 OK\r\n"));
    const auto a = raw.find("Connection: keep-alive\r\nContent-Length: 2\r\n\r\n/a");
    const auto b = raw.find("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n/b");
    CHECK(a != std::string::npos);
    CHECK(b != std::string::npos);
    CHECK(a < b);
}

TEST_CASE("A body over max_body_bytes gets 413 from protocol_error and the connection is closed", "[http][server]") {
    auto options = local_options();
    options.max_body_bytes = 1024;
    std::atomic<int> handled{0};
    protocol_errors errors;
    server srv(
        options,
        [&](request req, respond_fn respond) {
            ++handled;
            echo_path(std::move(req), std::move(respond));
        },
        errors.fn());
    srv.start();

    http_client client(srv.port());
    const auto reply = client.request("POST", "/upload", std::string(4096, 'x'));

    CHECK(reply.status == 413);
    CHECK(reply.body == "protocol error 413");
    CHECK(header_of(reply, "Connection") == "close");
    CHECK(client.connection_closed_by_peer());
    CHECK(handled == 0);
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>{{413, "127.0.0.1"}});

    SECTION("and the next request on a new connection is served") {
        CHECK(client.request("POST", "/small", std::string(1024, 'x')).status == 200);
        CHECK(client.connections_opened() == 2);
    }
}

TEST_CASE("Headers over max_header_bytes get 431 from protocol_error", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    http_client client(srv.port());
    const auto reply = client.request("GET", "/", {}, {{"X-Big", std::string(10000, 'h')}});

    CHECK(reply.status == 431);
    CHECK(reply.body == "protocol error 431");
    CHECK(client.connection_closed_by_peer());
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>{{431, "127.0.0.1"}});
}

TEST_CASE("Garbage bytes get 400 from protocol_error and the connection is closed", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();

    const auto started = std::chrono::steady_clock::now();
    const auto raw = raw_exchange(srv.port(), "this is not http at all\r\n\r\n", 5s);
    const auto elapsed = std::chrono::steady_clock::now() - started;

    CHECK(raw.starts_with("HTTP/1.1 400 "));
    CHECK(raw.ends_with("\r\n\r\nprotocol error 400"));
    CHECK(elapsed < 3s);  // closed by the server, not by raw_exchange's deadline
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>{{400, "127.0.0.1"}});
}

TEST_CASE("A client that sends half a request is disconnected after read_timeout", "[http][server]") {
    auto options = local_options();
    options.read_timeout = 300ms;
    std::atomic<int> handled{0};
    protocol_errors errors;
    server srv(
        options,
        [&](request req, respond_fn respond) {
            ++handled;
            echo_path(std::move(req), std::move(respond));
        },
        errors.fn());
    srv.start();

    const auto started = std::chrono::steady_clock::now();
    const auto raw = raw_exchange(srv.port(), "GET /slow HTTP/1.1\r\nHost: t\r\n", 5s);
    const auto elapsed = std::chrono::steady_clock::now() - started;

    CHECK(raw.empty());
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 3s);
    CHECK(handled == 0);
    CHECK(errors.calls().empty());
}

TEST_CASE("A client that sends half a body is disconnected after read_timeout, on a new or a kept-alive connection",
          "[http][server]") {
    auto options = local_options();
    options.read_timeout = 300ms;
    options.header_timeout = 30s;
    options.idle_timeout = 30s;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    const std::string half = "POST /half HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nhello";
    auto started = std::chrono::steady_clock::now();
    CHECK(raw_exchange(srv.port(), half, 20s).empty());
    CHECK(std::chrono::steady_clock::now() - started < 10s);  // read_timeout ended it, not a 30 s one

    // Sent once the first answer is in, while the connection waits as an idle one (idle_timeout's timer runs).
    started = std::chrono::steady_clock::now();
    const auto kept =
        raw_conversation(srv.port(), {{"", "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"}, {"\r\n\r\n/a", half}}, 20s);
    CHECK(kept.find("\r\n\r\n/a") != std::string::npos);
    CHECK(kept.find("/half") == std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(errors.calls().empty());
}

TEST_CASE("A client trickling its headers is disconnected after header_timeout, well before read_timeout",
          "[http][server]") {
    auto options = local_options();
    options.header_timeout = 300ms;
    options.read_timeout = 30s;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    const auto started = std::chrono::steady_clock::now();
    const auto raw = raw_exchange(srv.port(), "GET /slow HTTP/1.1\r\nHost: t\r\nX-Half: ", 20s);
    CHECK(raw.empty());
    CHECK(std::chrono::steady_clock::now() - started < 10s);  // header_timeout, not read_timeout, ended it
    CHECK(errors.calls().empty());
}

TEST_CASE("Empty lines count as the start of a request: header_timeout ends them, not idle_timeout", "[http][server]") {
    auto options = local_options();
    options.header_timeout = 300ms;
    options.idle_timeout = 30s;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    for (const std::string first : {"", "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"}) {  // a new or a kept-alive one
        INFO(first);
        const auto started = std::chrono::steady_clock::now();
        const auto raw = raw_exchange(srv.port(), first + "\r\n\r\n", 20s);
        CHECK(raw == (first.empty() ? "" : raw.substr(0, raw.find("\r\n\r\n/a") + 6)));
        CHECK(std::chrono::steady_clock::now() - started < 10s);  // header_timeout, not idle_timeout, ended it
    }
    // A bare CR is no line end: the request is not valid HTTP.
    CHECK(raw_exchange(srv.port(), "\rGET /a HTTP/1.1\r\nHost: t\r\n\r\n", 5s).starts_with("HTTP/1.1 400 "));
    CHECK(errors.calls() == std::vector<std::pair<int, std::string>>{{400, "127.0.0.1"}});
}

TEST_CASE("Connections past max_connections_per_ip are closed at once, and the place is free again after one ends",
          "[http][server]") {
    auto options = local_options();
    options.max_connections_per_ip = 2;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    auto first = std::make_unique<http_client>(srv.port());
    http_client second(srv.port());
    REQUIRE(first->request("GET", "/a").status == 200);  // both stay open (keep-alive)
    REQUIRE(second.request("GET", "/b").status == 200);
    const std::string get = "GET /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    CHECK(raw_exchange(srv.port(), get, 5s).empty());  // a third from the same address: closed unanswered

    first.reset();  // one ends; the server notices its close and gives its place back
    bool answered = false;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!answered && std::chrono::steady_clock::now() < deadline)
        answered = raw_exchange(srv.port(), get, 5s).starts_with("HTTP/1.1 200");
    CHECK(answered);
    CHECK(second.request("GET", "/d").status == 200);
}

TEST_CASE("A peer named uncapped (a trusted proxy) may hold more than max_connections_per_ip, but not max_connections",
          "[http][server]") {
    auto options = local_options();
    options.max_connections_per_ip = 1;
    options.max_connections = 3;
    options.uncapped_peer = [](const std::string& peer) { return peer == "127.0.0.1"; };
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    http_client first(srv.port());
    http_client second(srv.port());
    http_client third(srv.port());
    CHECK(first.request("GET", "/a").status == 200);
    CHECK(second.request("GET", "/b").status == 200);  // past the per-IP cap of 1: the proxy is not held to it
    CHECK(third.request("GET", "/c").status == 200);
    CHECK(raw_exchange(srv.port(), "GET /d HTTP/1.1\r\nHost: t\r\n\r\n", 5s).empty());  // the global cap holds
    CHECK(first.request("GET", "/e").status == 200);
}

TEST_CASE("Connections past max_connections are closed at once", "[http][server]") {
    auto options = local_options();
    options.max_connections = 1;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    http_client held(srv.port());
    REQUIRE(held.request("GET", "/a").status == 200);
    CHECK(raw_exchange(srv.port(), "GET /b HTTP/1.1\r\nHost: t\r\n\r\n", 5s).empty());
    CHECK(held.request("GET", "/c").status == 200);
}

TEST_CASE("A keep-alive connection with no new request is closed after idle_timeout", "[http][server]") {
    auto options = local_options();
    options.idle_timeout = 200ms;
    protocol_errors errors;
    server srv(options, echo_path, errors.fn());
    srv.start();

    http_client client(srv.port());
    // Timed from before the request: the idle timer starts once the answer is written, so it cannot have run out
    // sooner than 200 ms after this, however slow the machine.
    const auto asked = std::chrono::steady_clock::now();
    REQUIRE(client.request("GET", "/").status == 200);
    CHECK(client.connection_closed_by_peer(5s));
    CHECK(std::chrono::steady_clock::now() - asked >= 200ms);
}

TEST_CASE("A handler that responds later from another thread is answered", "[http][server]") {
    thread_group workers;
    protocol_errors errors;
    server srv(
        local_options(),
        [&](request req, respond_fn respond) {
            workers.spawn([path = req.path, respond = std::move(respond)] { respond(text(202, "later " + path)); });
        },
        errors.fn());
    srv.start();

    http_client client(srv.port());
    const auto first = client.request("GET", "/first");
    const auto second = client.request("GET", "/second");

    CHECK(first.status == 202);
    CHECK(first.body == "later /first");
    CHECK(second.status == 202);
    CHECK(second.body == "later /second");
    CHECK(client.connections_opened() == 1);
}

TEST_CASE("A HEAD request gets the length of the handler's body but no body", "[http][server]") {
    protocol_errors errors;
    server srv(
        local_options(), [](request, respond_fn respond) { respond(text(200, "hello")); }, errors.fn());
    srv.start();

    const auto raw = raw_exchange(srv.port(), "HEAD /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 5s);
    CHECK(raw.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(raw.find("Content-Length: 5\r\n") != std::string::npos);
    CHECK(raw.ends_with("\r\n\r\n"));

    http_client client(srv.port());
    const auto head = client.request("HEAD", "/x");
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(client.request("GET", "/x").body == "hello");
    CHECK(client.connections_opened() == 1);
}

TEST_CASE("A handler that throws or drops respond gets the protocol_error 500 and the connection is closed",
          "[http][server]") {
    protocol_errors errors;
    server srv(
        local_options(),
        [](request req, respond_fn respond) {
            if (req.path == "/throw") throw std::runtime_error("boom");
            if (req.path == "/drop") return;
            echo_path(std::move(req), std::move(respond));
        },
        errors.fn());
    srv.start();

    http_client client(srv.port());
    const auto thrown = client.request("GET", "/throw");
    CHECK(thrown.status == 500);
    // The application's own 500 (in authd: the pipeline's, with its security headers and X-Request-Id).
    CHECK(thrown.body == "protocol error 500");
    CHECK(client.connection_closed_by_peer());

    const auto dropped = client.request("GET", "/drop");
    CHECK(dropped.status == 500);
    CHECK(dropped.body == "protocol error 500");
    CHECK(client.connection_closed_by_peer());
    const auto calls = errors.calls();
    CHECK(calls == std::vector<std::pair<int, std::string>>{{500, "127.0.0.1"}, {500, "127.0.0.1"}});

    CHECK(client.request("GET", "/fine").status == 200);
}

TEST_CASE("start() names the address when the port is already taken", "[http][server]") {
    protocol_errors errors;
    server first(local_options(), echo_path, errors.fn());
    first.start();

    auto options = local_options();
    options.port = first.port();
    server second(options, echo_path, errors.fn());
    CHECK_THROWS_WITH(second.start(), Catch::Contains("127.0.0.1:" + std::to_string(first.port())));
}

TEST_CASE("A server that was never started stops at once and cannot be started afterwards", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.stop();
    srv.wait();
    CHECK(srv.port() == 0);
    CHECK_THROWS_AS(srv.start(), std::logic_error);
}

TEST_CASE("stop() delivers the in-flight response, refuses new connections, closes idle ones and lets wait() return",
          "[http][server]") {
    parked_responses parked;
    protocol_errors errors;
    server srv(
        local_options(),
        [&](request req, respond_fn respond) {
            if (req.path == "/slow") return parked.park(std::move(respond));
            echo_path(std::move(req), std::move(respond));
        },
        errors.fn());
    srv.start();
    const auto port = srv.port();

    http_client idle(port);
    REQUIRE(idle.request("GET", "/fast").status == 200);  // a keep-alive connection, now waiting for a request

    std::future<http_reply> slow;
    struct release_on_exit {  // should an assertion throw: unblock the client thread and the server's destructor
        parked_responses& parked;
        ~release_on_exit() { parked.release_all(text(503, "test failed")); }
    } release{parked};

    slow = std::async(std::launch::async, [port] { return http_client(port).request("GET", "/slow"); });
    REQUIRE(parked.wait_for(1));

    std::thread([&] { srv.stop(); }).join();
    srv.stop();  // a second call is harmless

    http_client late(port);
    CHECK_THROWS_AS(late.request("GET", "/fast"), std::runtime_error);
    CHECK(idle.connection_closed_by_peer(5s));

    parked.release_all(text(200, "finished"));
    const auto reply = slow.get();
    CHECK(reply.status == 200);
    CHECK(reply.body == "finished");
    CHECK(header_of(reply, "Connection") == "close");

    srv.wait();
}

TEST_CASE("Fifty concurrent clients on eight threads each get 200 for all of their twenty requests", "[http][server]") {
    protocol_errors errors;
    server srv(local_options(), echo_path, errors.fn());
    srv.start();
    const auto port = srv.port();

    constexpr int thread_count = 8, client_count = 50, request_count = 20;
    std::atomic<int> answered{0}, failed{0};
    std::atomic<std::size_t> connections{0};
    {
        thread_group threads;
        for (int t = 0; t < thread_count; ++t)
            threads.spawn([&, t] {
                std::vector<std::pair<int, std::unique_ptr<http_client>>> clients;
                for (int c = t; c < client_count; c += thread_count)
                    clients.emplace_back(c, std::make_unique<http_client>(port));
                // Round-robin, so that all fifty connections are open at once.
                for (int r = 0; r < request_count; ++r)
                    for (auto& [id, client] : clients) {
                        const auto target = "/client/" + std::to_string(id) + "/request/" + std::to_string(r);
                        try {
                            const auto reply = client->request("GET", target);
                            ++(reply.status == 200 && reply.body == target ? answered : failed);
                        } catch (const std::exception&) {
                            ++failed;
                        }
                    }
                for (auto& [id, client] : clients) connections += client->connections_opened();
            });
    }

    CHECK(answered == client_count * request_count);
    CHECK(failed == 0);
    CHECK(connections == static_cast<std::size_t>(client_count));
}
