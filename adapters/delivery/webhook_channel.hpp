#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/delivery/templates.hpp"
#include "core/common/time.hpp"
#include "core/delivery/message.hpp"

namespace authd::delivery {

struct webhook_settings {
    std::string url{};     ///< http:// or https://
    std::string secret{};  ///< WEBHOOK_SECRET: signs every request
    std::chrono::seconds timeout{10};
    std::string ca_file{};  ///< a CA bundle to verify the receiver with instead of the system's; optional
};

/// Whether a receiver's HTTP status refuses this message for good (the deliverer then stops trying it).
bool refuses_message_for_good(long status);

/// Hands each message to a gateway of the operator's (an SMS provider's bridge, a mail API) as an HTTP POST of JSON:
/// `{"id":"<message id>","channel":"sms","kind":"otp_code","to":"+2126...","text":"..."}`, with "subject" and "html"
/// for e-mail. Headers: `X-Authd-Message-Id: <id>` (the same on every attempt: the receiver drops a second copy) and
/// `X-Authd-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (webhook_signature()).
///
/// send() throws authd::delivery_failed: a 2xx reply is success; 400, 413, 415 and 422 (this message is refused) are
/// permanent; every other status (401, 403, 404: a configuration fault, fixed by the operator; 408, 429, 5xx; a 3xx,
/// as redirects are not followed) and every transport or TLS error are temporary. Its text never
/// holds the message, the recipient or the URL. Thread-safe: each send has its own connection.
class webhook_channel {
public:
    /// Throws std::invalid_argument for a URL that is not http(s):// or an empty secret.
    explicit webhook_channel(webhook_settings settings);
    void send(std::string_view message_id, authd::channel c, const std::string& to, message_kind kind,
              const rendered_message& message, time_point now);

private:
    webhook_settings settings_;
};

/// The X-Authd-Signature header's value: "t=<unix_seconds>,v1=<lower-case hex HMAC-SHA256 of "<unix_seconds>.<body>"
/// under secret>". A receiver recomputes it over the raw body and refuses old timestamps.
std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

/// The JSON body send() posts; exposed for tests.
std::string webhook_body(std::string_view message_id, authd::channel c, std::string_view to, message_kind kind,
                         const rendered_message& message);

}  // namespace authd::delivery
