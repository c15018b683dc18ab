// request_reader without a socket: bytes in, cut into reads as the test chooses; what it makes of them out.
#include "adapters/http/request_reader.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <catch2/catch.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using authd::http::request_reader;
using progress = request_reader::progress;

namespace {

constexpr request_reader::limits small{.max_body_bytes = 1 << 20, .max_header_bytes = 8192};

/// What reading one request came to: its method, target, headers' count and body, or the failure's status.
struct outcome {
    std::string request;        // "GET /x 3 body" when one was read
    std::optional<int> status;  // when it failed with an answer
    bool failed = false;
    bool keeps_alive = false;
    bool operator==(const outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
    if (!o.failed) return os << "read \"" << o.request << "\"" << (o.keeps_alive ? ", kept alive" : ", then closed");
    return os << "failed, " << (o.status ? std::to_string(*o.status) : "no answer");
}

outcome served(std::string request, bool keeps_alive = true) {
    outcome o;
    o.request = std::move(request);
    o.keeps_alive = keeps_alive;
    return o;
}

outcome refused(std::optional<int> status) {
    outcome o;
    o.status = status;
    o.failed = true;
    return o;
}

/// Feeds `wire` to a reader in reads of `cut` bytes (the last one shorter), as a connection would, and reads the
/// first request out of it; the peer stops sending after the last read.
outcome read_one(std::string_view wire, std::size_t cut, request_reader::limits limits = small) {
    request_reader reader(limits);
    boost::beast::flat_buffer in;
    reader.begin(in);
    std::size_t sent = 0;
    for (;;) {
        switch (reader.parse(in)) {
            case progress::failed: return refused(reader.failure());
            case progress::header: continue;
            case progress::done: {
                const auto m = reader.take();
                const auto fields = std::distance(m.begin(), m.end());
                return served(std::string(m.method_string()) + " " + std::string(m.target()) + " " +
                                  std::to_string(fields) + " " + m.body(),
                              request_reader::keeps_alive(m));
            }
            case progress::more: break;
        }
        if (sent == wire.size()) {
            reader.read_failed(boost::beast::http::error::end_of_stream);
            return refused(reader.failure());
        }
        const auto n = std::min(cut, wire.size() - sent);
        const auto into = in.prepare(n);
        boost::asio::buffer_copy(into, boost::asio::buffer(wire.substr(sent, n)));
        in.commit(n);
        sent += n;
    }
}

outcome whole(std::string_view wire) { return read_one(wire, wire.size()); }

}  // namespace

TEST_CASE("A request reads the same whole or cut into reads of any size", "[http][request_reader]") {
    const std::vector<std::string> requests{
        "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
        "\r\n\nPOST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\n\r\n",
        "POST /d HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /e HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\nTransfer-Encoding: "
        "chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
        "PUT /f HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",  // smuggling: 400
        "POST /g HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "GET /h HTTP/1.1\r\nHost: h\r\nX: \x01\r\n\r\n",
    };
    for (const auto& wire : requests) {
        const auto expected = whole(wire);
        for (std::size_t cut = 1; cut < wire.size(); ++cut) {
            INFO(wire << " in reads of " << cut);
            CHECK(read_one(wire, cut) == expected);
        }
    }
    CHECK(whole(requests[0]) == served("GET /a 1 "));
    CHECK(whole(requests[1]) == served("POST /b 2 hello"));
    CHECK(whole(requests[2]) == served("POST /c 2 hello"));
    CHECK(whole(requests[3]) == served("POST /d 2 "));
    // HTTP/1.0 has no chunked coding: the connection ends after the answer, whatever the client asked.
    CHECK(whole(requests[4]) == served("POST /e 3 hi", false));
    CHECK(whole(requests[5]) == refused(400));
    CHECK(whole(requests[6]) == refused(501));
    CHECK(whole(requests[7]) == refused(400));
}

TEST_CASE("Trailers of a chunked body are dropped however the reads cut them", "[http][request_reader]") {
    const std::string wire =
        "POST /t HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n0\r\nX-Forwarded-For: 10.0.0.1\r\nAuthorization: Bearer x\r\n\r\n";
    for (std::size_t cut = 1; cut <= wire.size(); ++cut) {
        INFO("reads of " << cut);
        CHECK(read_one(wire, cut) == served("POST /t 2 abc"));
    }
}

TEST_CASE("The request line and headers are held to max_header_bytes in all", "[http][request_reader]") {
    const std::string line = "GET /" + std::string(5000, 'a') + " HTTP/1.1\r\n";
    // The parser takes the line and stops at the unended field: what it left counts too.
    SECTION("a long request line then an unended field past the limit") {
        const std::string wire = line + "X-Long: " + std::string(4000, 'b');
        CHECK(whole(wire) == refused(431));
        CHECK(read_one(wire, 1000) == refused(431));
    }
    SECTION("fields that each end a byte into the next read") {
        // A read of 17 bytes brings the rest of a field of 17 and the first byte of the next: Beast takes the fields
        // one by one and checks each call's bytes against its limit, never their sum.
        std::string wire = "GET / HTTP/1.1\r\n";
        for (int i = 1000; wire.size() < 9000; ++i) wire += "X-" + std::to_string(i) + ": abcdefg\r\n";
        wire += "\r\n";
        CHECK(read_one(wire, 17) == refused(431));
        CHECK(whole(wire) == refused(431));
    }
    SECTION("past it with a length over the body limit or a coding authd does not decode: 431 all the same") {
        // Beast's window is the limit after the request line, and again for the fields: such headers come whole in
        // one call, and Beast's own error at their end (413, 501) must not answer for them.
        const std::string fields = "X-Long: " + std::string(6000, 'b') + "\r\n";
        for (const std::string framing : {"Content-Length: 99999999\r\n", "Transfer-Encoding: gzip, chunked\r\n"}) {
            const std::string wire = "POST /" + std::string(4000, 'a') + " HTTP/1.1\r\n" + fields + framing + "\r\n";
            CHECK(whole(wire) == refused(431));
            CHECK(read_one(wire, 100) == refused(431));
        }
    }
    SECTION("at the limit exactly") {
        std::string wire = "GET / HTTP/1.1\r\nX: ";
        wire += std::string(8192 - wire.size() - 4, 'd') + "\r\n\r\n";
        REQUIRE(wire.size() == 8192);
        CHECK(whole(wire).request == "GET / 1 ");
        CHECK(read_one(wire, 7) == whole(wire));
        CHECK(whole(wire.substr(0, 19) + "d" + wire.substr(19)) == refused(431));
    }
}

TEST_CASE("A chunk line or trailers still unended past max_header_bytes get 400", "[http][request_reader]") {
    const std::string head = "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string extension = head + "5;" + std::string(9000, 'e');
    CHECK(read_one(extension, 1000) == refused(400));
    request_reader reader(small);
    boost::beast::flat_buffer in;
    reader.begin(in);
    boost::asio::buffer_copy(in.prepare(extension.size()), boost::asio::buffer(extension));
    in.commit(extension.size());
    while (reader.parse(in) == progress::header) {
    }
    CHECK(reader.failure() == 400);
    CHECK(reader.unended_line());
    const std::string trailers = head + "0\r\nX-T: " + std::string(9000, 't');
    CHECK(read_one(trailers, 1000) == refused(400));
    // Under the bound, and ended, they are read.
    CHECK(read_one(head + "5;" + std::string(4000, 'e') + "\r\nhello\r\n0\r\n\r\n", 1000).request == "POST /x 2 hello");
}

TEST_CASE("What the peer's going or a timeout ends is closed without an answer, a bad body is 413 or 400",
          "[http][request_reader]") {
    CHECK(whole("GET / HTTP/1.1\r\nHost:") == refused(std::nullopt));
    CHECK(whole("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc") == refused(std::nullopt));
    CHECK(whole("\r") == refused(std::nullopt));  // half a line end waits for the other half, which never comes
    CHECK(read_one("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", 4,
                   {.max_body_bytes = 10, .max_header_bytes = 8192}) == refused(413));
    CHECK(whole("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") == refused(400));
    request_reader reader(small);
    boost::beast::flat_buffer in;
    reader.begin(in);
    CHECK_FALSE(reader.received_any(in));
    reader.read_failed(boost::beast::error::timeout);
    CHECK_FALSE(reader.failure());
}

TEST_CASE("Blank lines before a request, half a line end included, are no request begun", "[http][request_reader]") {
    // What a graceful stop asks of a reading connection: with none begun, it closes at once instead of waiting for the
    // header timeout.
    const auto received_after = [](std::string_view wire) {
        request_reader reader(small);
        boost::beast::flat_buffer in;
        reader.begin(in);
        boost::asio::buffer_copy(in.prepare(wire.size()), boost::asio::buffer(wire.data(), wire.size()));
        in.commit(wire.size());
        CHECK(reader.parse(in) == request_reader::progress::more);
        return reader.received_any(in);
    };
    CHECK_FALSE(received_after("\r\n\r\n"));
    CHECK_FALSE(received_after("\r\n\r"));
    CHECK_FALSE(received_after("\r"));
    CHECK(received_after("\r\nG"));
    CHECK(received_after("GET / HTTP/1.1\r"));
    CHECK(received_after("GET / HTTP/1.1\r\nHost: a\r\n"));
}

TEST_CASE("100-continue is awaited only by an HTTP/1.1 request whose body has not begun", "[http][request_reader]") {
    const auto awaits = [](std::string_view wire) {
        request_reader reader(small);
        boost::beast::flat_buffer in;
        reader.begin(in);
        boost::asio::buffer_copy(in.prepare(wire.size()), boost::asio::buffer(wire));
        in.commit(wire.size());
        REQUIRE(reader.parse(in) == progress::header);
        return reader.awaits_continue(in);
    };
    CHECK(awaits("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
    CHECK_FALSE(awaits("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\na"));
    CHECK_FALSE(awaits("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
    CHECK_FALSE(awaits("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"));
}
