#include "adapters/delivery/channel_sender.hpp"

#include <exception>
#include <new>
#include <string>
#include <utility>

namespace authd::delivery {

channel_sender::channel_sender(templates texts, console_channel& console, std::optional<smtp_settings> smtp,
                               std::optional<webhook_settings> sms_webhook,
                               std::optional<webhook_settings> email_webhook, const clock& clk)
    : templates_(std::move(texts)), console_(console), clock_(clk) {
    if (smtp) smtp_.emplace(std::move(*smtp));
    if (sms_webhook) sms_webhook_.emplace(std::move(*sms_webhook));
    if (email_webhook) email_webhook_.emplace(std::move(*email_webhook));
}

void channel_sender::send(std::string_view message_id, const outgoing_message& m) {
    rendered_message rendered;
    try {
        rendered = templates_.render(m);
    } catch (const std::bad_alloc&) {
        throw;  // the process's trouble, not the message's: the deliverer tries again
    } catch (const std::exception& e) {
        throw delivery_failed(
            std::string("cannot render the ") + std::string(to_string(m.kind)) + " message: " + e.what(), true);
    }
    if (m.channel == channel::email && smtp_) return smtp_->send(message_id, m.recipient, rendered);
    webhook_channel* webhook = m.channel == channel::email ? (email_webhook_ ? &*email_webhook_ : nullptr)
                                                           : (sms_webhook_ ? &*sms_webhook_ : nullptr);
    if (webhook != nullptr) return webhook->send(message_id, m.channel, m.recipient, m.kind, rendered, clock_.now());
    console_.deliver(m.channel, m.recipient, rendered, clock_.now());
}

std::string_view channel_sender::kind_of(channel c) const {
    if (c == channel::email) return smtp_ ? "smtp" : email_webhook_ ? "webhook" : "console";
    return sms_webhook_ ? "webhook" : "console";
}

delivery_channels channel_sender::channels() const {
    return {std::string(kind_of(channel::email)), std::string(kind_of(channel::sms))};
}

}  // namespace authd::delivery
