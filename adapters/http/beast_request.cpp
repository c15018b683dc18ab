#include "adapters/http/beast_request.hpp"

namespace authd::http {

request to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                   const std::string& remote_ip) {
    const auto text = [](boost::beast::string_view s) { return std::string(s.data(), s.size()); };
    request req;
    req.method = text(message.method_string());
    req.target = text(message.target());
    const auto question = req.target.find('?');
    req.path = req.target.substr(0, question);
    if (question != std::string::npos) req.query = req.target.substr(question + 1);
    for (const auto& field : message) req.headers.push_back({text(field.name_string()), text(field.value())});
    req.body = std::move(message.body());
    req.remote_ip = remote_ip;
    return req;
}

}  // namespace authd::http
