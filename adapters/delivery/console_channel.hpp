#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/delivery/templates.hpp"
#include "core/common/time.hpp"
#include "core/delivery/message.hpp"

namespace authd::delivery {

struct delivered_message {
    authd::channel channel = authd::channel::sms;
    std::string recipient{};
    std::string subject{};  ///< e-mail only
    std::string body{};     ///< the plain text
    time_point sent_at{};
};

/// The development mock of the SMS and e-mail gateways: prints one line per message on standard output
/// (`[sms] +212612345678: Your authd code is 123456. It expires in 5 minutes.`, line breaks of an e-mail's text shown
/// as spaces) and keeps the last ones for GET /api/v1/dev/messages. Outside development mode it prints
/// `[email] (recipient withheld): (text withheld outside development mode)` and keeps nothing: texts carry codes and
/// no code, nor whom it went to, may reach a production log. Thread-safe.
class console_channel {
public:
    explicit console_channel(bool development, std::size_t keep = 100);
    void deliver(authd::channel c, const std::string& recipient, const rendered_message& message, time_point now);
    /// Newest first; always empty outside development mode.
    std::vector<delivered_message> recent() const;

private:
    bool development_;
    std::size_t keep_;
    mutable std::mutex mutex_;
    std::deque<delivered_message> recent_;
};

}  // namespace authd::delivery
