#pragma once
// A response as the bytes that go on the wire. Written by hand rather than by Beast's serializer: one reused buffer,
// one pass, no per-field allocation (the fields of a Beast message are allocated one by one), which is most of what
// answering a token check costs besides the system calls.
#include "adapters/http/message.hpp"

#include <string>

namespace authd::http {

struct wire_framing {
    unsigned version = 11;   ///< the request's HTTP version, as 10 * major + minor; below 11 answers as HTTP/1.0
    bool head = false;       ///< a HEAD request: the length of the body is sent, not the body
    bool keep_alive = true;  ///< false: the connection closes after this response
};

/// Writes `res` into `out` (cleared first; its capacity is kept for the next response). Framing is the server's:
/// the handler's Content-Length and Transfer-Encoding are dropped, its Connection header only adds "close". A header
/// whose name is not an HTTP token or whose value holds CR, LF or NUL is dropped, so that no value can split the
/// response. A status outside 100..999 becomes 500. Returns whether the connection stays open afterwards.
bool write_response(response&& res, wire_framing framing, std::string& out);

}  // namespace authd::http
