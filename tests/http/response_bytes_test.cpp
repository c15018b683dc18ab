#include "adapters/http/response_bytes.hpp"

#include <catch2/catch.hpp>

#include <string>

using authd::http::response;
using authd::http::wire_framing;
using authd::http::write_response;

namespace {

std::string bytes_of(response res, wire_framing framing = {}) {
    std::string out = "left over from the previous response";
    write_response(std::move(res), framing, out);
    return out;
}

}  // namespace

TEST_CASE("A response is written as its status line, headers in order, the length and the body", "[http][wire]") {
    response res{201, {{"Content-Type", "text/plain"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}}, "hello"};
    CHECK(bytes_of(std::move(res)) ==
          "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
          "Content-Length: 5\r\n\r\nhello");
}

TEST_CASE("Framing is the server's: the handler's length, transfer coding and connection are not sent",
          "[http][wire]") {
    response res{
        200, {{"content-length", "999"}, {"Transfer-Encoding", "chunked"}, {"Connection", "keep-alive"}}, "ok"};
    std::string out;
    CHECK(write_response(std::move(res), {}, out));
    CHECK(out == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
}

TEST_CASE("A handler's Connection: close closes the connection after the response", "[http][wire]") {
    response res{200, {{"Connection", "upgrade, Close"}}, "ok"};
    std::string out;
    CHECK_FALSE(write_response(std::move(res), {}, out));
    CHECK(out == "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
}

TEST_CASE("A header that could split the response is dropped, the others are kept", "[http][wire]") {
    response res{200,
                 {{"X-Injected", "a\r\nSet-Cookie: evil=1"},
                  {"X-Lf", "a\nb"},
                  {"X-Nul", std::string("a\0b", 3)},
                  {"Bad Name", "x"},
                  {"", "x"},
                  {"X:Colon", "x"},
                  {"X-\xc3\xa9", "a name that is not ASCII"},
                  {"X-Fine", "tab\tand spaces ok"}},
                 ""};
    CHECK(bytes_of(std::move(res)) == "HTTP/1.1 200 OK\r\nX-Fine: tab\tand spaces ok\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("HTTP/1.0 gets an HTTP/1.0 answer, and keep-alive only when it stays open", "[http][wire]") {
    CHECK(bytes_of({200, {}, "ok"}, {.version = 10, .head = false, .keep_alive = true}) ==
          "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok");
    CHECK(bytes_of({200, {}, "ok"}, {.version = 10, .head = false, .keep_alive = false}) ==
          "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok");
    CHECK(bytes_of({200, {}, "ok"}, {.version = 11, .head = false, .keep_alive = false}) ==
          "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok");
}

TEST_CASE("HEAD gets the body's length without the body, and 204 and 304 get neither", "[http][wire]") {
    CHECK(bytes_of({200, {}, "hello"}, {.version = 11, .head = true, .keep_alive = true}) ==
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    CHECK(bytes_of({204, {}, "ignored"}) == "HTTP/1.1 204 No Content\r\n\r\n");
    CHECK(bytes_of({304, {}, "ignored"}) == "HTTP/1.1 304 Not Modified\r\n\r\n");
}

TEST_CASE("A status outside 100 to 999 becomes 500", "[http][wire]") {
    CHECK(bytes_of({42, {}, "x"}).starts_with("HTTP/1.1 500 Internal Server Error\r\n"));
    CHECK(bytes_of({1000, {}, "x"}).starts_with("HTTP/1.1 500 "));
    CHECK(bytes_of({429, {}, ""}).starts_with("HTTP/1.1 429 Too Many Requests\r\n"));
}

TEST_CASE("Header names compare equal but for the case of ASCII letters, whatever the locale", "[http][wire]") {
    CHECK(authd::http::ascii_iequals("Content-Length", "content-LENGTH"));
    CHECK(authd::http::ascii_iequals("", ""));
    CHECK_FALSE(authd::http::ascii_iequals("Connection", "Connectio"));
    CHECK_FALSE(authd::http::ascii_iequals("X-A", "X_A"));
    // Latin-1 'É' and 'é' (0xC9, 0xE9) are one letter in a Latin-1 locale's tolower, never here.
    CHECK_FALSE(authd::http::ascii_iequals("X-\xC9", "X-\xE9"));
    // '@' and '`' sit 32 below 'A' and 'a': only letters are folded.
    CHECK_FALSE(authd::http::ascii_iequals("@", "`"));
    CHECK_FALSE(authd::http::ascii_iequals("[", "{"));
    static_assert(authd::http::ascii_iequals("Keep-Alive", "keep-alive"));
}
