#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "adapters/delivery/templates.hpp"

namespace authd::delivery {

struct smtp_settings {
    std::string host{};
    int port = 587;
    std::string user{};  ///< empty: no authentication
    std::string password{};
    std::string from{};  ///< FROM_EMAIL: "Name <addr>" or "addr"
    /// starttls: plain connection upgraded with STARTTLS, never continued without it; implicit: TLS from the first
    /// byte (smtps, usually port 465); none: no TLS at all (a relay on the same host or a test server).
    enum class tls_mode { starttls, implicit, none } tls = tls_mode::starttls;
    bool verify_certificate = true;
    std::string ca_file{};  ///< a CA bundle to verify the server with instead of the system's; optional
    std::chrono::seconds timeout{20};
};

/// E-mail over SMTP (libcurl): one connection per message, a multipart/alternative message (text and HTML, both
/// base64) with a Message-ID made of the message id, so that it stays the same on every attempt.
///
/// send() throws authd::delivery_failed: permanent when the server refused the message for good (a 5xx reply, such as
/// 550 for an unknown mailbox) or the recipient or subject would inject a header; temporary for 4xx replies, failed
/// connections, TLS and certificate errors, time-outs and refused credentials (the operator fixes the configuration
/// and the message still goes out). Its text never holds the message or the recipient. Thread-safe: each send has
/// its own connection.
class smtp_channel {
public:
    /// Throws std::invalid_argument for a missing host, a port out of range or a `from` without an address.
    explicit smtp_channel(smtp_settings settings);
    void send(std::string_view message_id, const std::string& to, const rendered_message& message);

private:
    smtp_settings settings_;
    std::string url_;
    std::string from_header_;   ///< the From header's value, encoded when the name is not ASCII
    std::string from_address_;  ///< for MAIL FROM
};

/// The RFC 5322 message send() hands to the server, CRLF line endings, dated `date`: exposed for tests. Throws
/// authd::delivery_failed (permanent) for a recipient, subject or message id that would break a header.
std::string compose_mail(std::string_view from_header, std::string_view to, std::string_view message_id,
                         const rendered_message& message, std::chrono::system_clock::time_point date);

}  // namespace authd::delivery
