#pragma once
#include <string>
#include <vector>

#include "core/common/time.hpp"

namespace authd {

enum class channel { sms, email };

struct outgoing_message {
    authd::channel channel = channel::sms;
    std::string recipient;  ///< E.164 number or e-mail address
    std::string subject;    ///< e-mail only
    std::string body;
    time_point sent_at{};
};

/// Sends SMS and e-mail. The mock adapter prints them; a real SMS or SMTP
/// adapter replaces it without touching the core.
class notifier {
public:
    virtual ~notifier() = default;
    virtual void send(const outgoing_message& message) = 0;
};

}  // namespace authd
