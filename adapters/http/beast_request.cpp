#include "adapters/http/beast_request.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

#include <boost/beast/core/string.hpp>

namespace authd::http {
namespace {
/// The authority and the rest of an absolute-form target ("http://host:8080/a?b": "host:8080", "/a?b"), which a
/// client talking to a proxy sends and a server must accept (RFC 9112, 3.2.2). Nothing for any other target, or for
/// one with userinfo or no host, which then routes nowhere.
std::optional<std::pair<std::string, std::string>> absolute_form(std::string_view target) {
    const auto starts_with = [&](boost::beast::string_view scheme) {
        const auto head = target.substr(0, scheme.size());
        return boost::beast::iequals(boost::beast::string_view(head.data(), head.size()), scheme);
    };
    if (starts_with("http://")) target.remove_prefix(7);
    else if (starts_with("https://")) target.remove_prefix(8);
    else return std::nullopt;
    const auto end = std::min(target.find_first_of("/?#"), target.size());
    const auto authority = target.substr(0, end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
    auto rest = std::string(target.substr(end));
    if (!rest.starts_with('/')) rest.insert(0, "/");
    return std::pair{std::string(authority), std::move(rest)};
}
}  // namespace

bool foreign_transfer_coding(const boost::beast::http::fields& head) {
    const auto [first, last] = head.equal_range(boost::beast::http::field::transfer_encoding);
    return std::any_of(first, last, [](const auto& field) {
        auto value = field.value();
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        return !boost::beast::iequals(value, "chunked");
    });
}

request to_request(boost::beast::http::request<boost::beast::http::string_body>&& message,
                   const std::string& remote_ip) {
    const auto text = [](boost::beast::string_view s) { return std::string(s.data(), s.size()); };
    request req;
    req.method = text(message.method_string());
    req.target = text(message.target());
    const auto absolute = absolute_form(req.target);
    if (absolute) req.target = absolute->second;
    const auto question = req.target.find('?');
    req.path = req.target.substr(0, question);
    if (question != std::string::npos) req.query = req.target.substr(question + 1);
    for (const auto& field : message)
        if (!absolute || field.name() != boost::beast::http::field::host)
            req.headers.push_back({text(field.name_string()), text(field.value())});
    if (absolute) req.headers.push_back({"Host", absolute->first});  // the target's host wins over a Host header
    req.body = std::move(message.body());
    req.remote_ip = remote_ip;
    return req;
}

}  // namespace authd::http
