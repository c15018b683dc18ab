#pragma once
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "core/ports/notifier.hpp"

namespace authd::notify {

/// The mock SMS/e-mail gateway: prints each message on standard output
/// (`[sms] +212612345678: Your authd code is 123456`) and keeps the last ones
/// for GET /api/v1/dev/messages. Outside development mode the text is withheld,
/// because it carries codes and no code may reach a production log.
class console_notifier final : public notifier {
public:
    explicit console_notifier(bool development, std::size_t keep = 100);
    void send(const outgoing_message& message) override;
    /// Newest first.
    std::vector<outgoing_message> recent() const;

private:
    bool development_;
    std::size_t keep_;
    mutable std::mutex mutex_;
    std::deque<outgoing_message> recent_;
};

}  // namespace authd::notify
