#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "adapters/delivery/console_channel.hpp"
#include "adapters/delivery/smtp_channel.hpp"
#include "adapters/delivery/templates.hpp"
#include "adapters/delivery/webhook_channel.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/message_sender.hpp"

namespace authd::delivery {

/// Which kind of channel carries each channel's messages: "console", "smtp" or "webhook".
struct delivery_channels {
    std::string email = "console";
    std::string sms = "console";
};

/// The message_sender port: renders a message from its templates and hands it to its channel. E-mail goes over SMTP
/// when `smtp` is set, else to `email_webhook` when set, else to the console; SMS goes to `sms_webhook` when set,
/// else to the console. A message that cannot be rendered fails for good (delivery_failed, permanent).
class channel_sender final : public message_sender {
public:
    /// Throws what the channels' constructors throw (std::invalid_argument for bad settings).
    channel_sender(templates texts, console_channel& console, std::optional<smtp_settings> smtp,
                   std::optional<webhook_settings> sms_webhook, std::optional<webhook_settings> email_webhook,
                   const clock& clk);
    void send(std::string_view message_id, const outgoing_message& m) override;
    std::string_view kind_of(channel c) const override;
    delivery_channels channels() const;

private:
    templates templates_;
    console_channel& console_;
    std::optional<smtp_channel> smtp_;
    std::optional<webhook_channel> sms_webhook_;
    std::optional<webhook_channel> email_webhook_;
    const clock& clock_;
};

}  // namespace authd::delivery
