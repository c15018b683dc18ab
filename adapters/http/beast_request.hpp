#pragma once
// Beast's parsed request as the plain request of message.hpp. It pulls Beast in, so only server.cpp and the
// request-path fuzzer include it.
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "adapters/http/message.hpp"

namespace authd::http {

/// Whether the request names a transfer coding authd does not decode, such as "gzip, chunked": it is answered 501
/// (RFC 9112, 6.1), its body not read as chunked when it is something else. Beast decodes chunked when it is the last
/// coding, and ignores those before it.
bool foreign_transfer_coding(const boost::beast::http::fields& head);

request to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                   const std::string& remote_ip);

}  // namespace authd::http
