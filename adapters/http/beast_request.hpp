#pragma once
// Beast's parsed request as the plain request of message.hpp. It pulls Beast in, so only server.cpp and the
// request-path fuzzer include it.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "adapters/http/message.hpp"

namespace authd::http {

request to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                   const std::string& remote_ip);

}  // namespace authd::http
