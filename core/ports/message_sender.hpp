#pragma once
// The way out of the process for a message: renders it and hands it to its channel (console, SMTP, webhook).
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/delivery/message.hpp"

namespace authd {

/// A message that did not go out. `permanent`: trying again cannot help (a rejected recipient, a missing template);
/// otherwise the deliverer tries again later.
class delivery_failed : public std::runtime_error {
public:
    delivery_failed(const std::string& reason, bool permanent) : std::runtime_error(reason), permanent_(permanent) {}
    bool permanent() const noexcept { return permanent_; }

private:
    bool permanent_;
};

class message_sender {
public:
    virtual ~message_sender() = default;
    /// Sends one message; throws delivery_failed. `message_id` is the same on every attempt of one message, so that a
    /// receiver can drop a second copy (delivery is at least once).
    virtual void send(std::string_view message_id, const outgoing_message& m) = 0;
    /// The kind of channel each message goes through ("console", "smtp", "webhook"), for /health.
    virtual std::string_view kind_of(channel c) const = 0;
};

}  // namespace authd
