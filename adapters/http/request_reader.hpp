#pragma once
// Reads a connection's requests, one at a time, out of the bytes read so far, with Beast's parser and the rules it
// does not hold by itself. No socket: server.cpp reads and feeds it, and the request-path fuzzer feeds it inputs cut
// into reads anywhere. It pulls Beast in, so only those and its test include it.
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

namespace authd::http {

/// The rules, beyond Beast's own:
/// - Empty lines before a request line are skipped (RFC 9112, 2.2: some clients send a CRLF after a POST's body).
/// - The request line and headers are held to max_header_bytes in all: 431. Boost 1.74's parser checks the bytes of
///   each call against its header limit, not their sum, so headers arriving in the right pieces grew without bound.
/// - What the parser has seen of a body and left (a chunk's size line and extensions, or trailers, in the making) is
///   held to max_header_bytes too: 400. Beast counts a chunk's data against the body limit, and not those.
/// - A transfer coding other than chunked alone is 501 once the headers are in (RFC 9112, 6.1).
/// - A chunked body's trailers are dropped (RFC 9110, 6.5.1): Beast adds them to the headers, where a client could
///   put an X-Forwarded-For or an Authorization that a gateway in front never looked at.
/// - Seen bytes are parsed again only with new ones after them, and in a body never fewer than five: Boost 1.74's
///   parser asserts on a final chunk presented otherwise (fixed in later Beast), which debug builds turn into an
///   abort. Every chunked body still to finish needs five more at least: "0\r\n\r\n".
class request_reader {
public:
    using message = boost::beast::http::request<boost::beast::http::string_body>;

    struct limits {
        std::uint64_t max_body_bytes;
        std::size_t max_header_bytes;
    };

    /// Where parse() got to.
    enum class progress {
        more,    ///< the request needs bytes not read yet
        header,  ///< its headers are in (once a request); parse again for the body
        done,    ///< it is whole: take() it
        failed,  ///< answer failure(), if any, and close the connection
    };

    explicit request_reader(limits l) : limits_(l) {}
    request_reader(const request_reader&) = delete;  // the parser holds a reference to on_chunk_header_
    request_reader& operator=(const request_reader&) = delete;

    /// Starts on the next request of `in`: what is buffered of it, if anything.
    void begin(boost::beast::flat_buffer& in);
    /// Parses what `in` holds as far as it goes, taking the bytes it used out of `in`.
    progress parse(boost::beast::flat_buffer& in);
    /// The read for more failed with `ec` (the peer went, a timeout): failed.
    progress read_failed(const boost::beast::error_code& ec);

    /// After failed: the status to answer (400, 413, 431 or 501), or nothing: close without a word. Parse failures are
    /// the client's fault and get an answer; a peer that went or a timeout get nothing, as nobody is left to read it.
    std::optional<int> failure() const { return failure_; }
    /// After failed: whether it was a chunk's line or trailers still unended past max_header_bytes (400), the one
    /// rule that depends on how the reads cut the bytes: a read that brings them whole is not held to it.
    bool unended_line() const { return unended_line_; }
    bool header_done() const { return parser_ && parser_->is_header_done(); }
    /// Whether any byte of a request has come, in `in` or taken by the parser already (blank lines are none).
    bool received_any(const boost::beast::flat_buffer& in) const;
    /// An HTTP/1.1 request whose body is still to come, with "Expect: 100-continue" (an HTTP/1.0 one is ignored). A
    /// client that sent some of the body already did not wait: it needs no 100.
    bool awaits_continue(const boost::beast::flat_buffer& in) const;

    /// After done: the request, without trailers. Ends it: begin() starts the next.
    message take();
    /// Whether the connection may carry another request after the answer to `m`. An HTTP/1.0 request with a
    /// Transfer-Encoding is framed in a way a proxy in front may not have seen (HTTP/1.0 has no chunked coding), so
    /// its connection ends after the answer (RFC 9112, 6.1).
    static bool keeps_alive(const message& m);

private:
    progress fail(const boost::beast::error_code& ec);
    progress fail_with(int status);

    limits limits_;
    // The headers as they were when the last chunk began: the request gets these, without the trailers after it.
    std::optional<boost::beast::http::request_header<>> before_trailers_;
    std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)> on_chunk_header_ =
        [this](std::uint64_t size, boost::beast::string_view, boost::beast::error_code&) {
            if (size == 0) before_trailers_ = parser_->get().base();
        };
    // One per request; after on_chunk_header_, which it refers to.
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::size_t seen_ = 0;          // of the buffer's bytes, how many the parser has seen and left
    std::size_t header_bytes_ = 0;  // of the request line and headers, how many the parser has taken so far
    std::optional<int> failure_;
    bool unended_line_ = false;
};

}  // namespace authd::http
