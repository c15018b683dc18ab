#include "core/delivery/message.hpp"

#include "core/ports/message_queue_repository.hpp"

namespace authd {

std::string_view to_string(channel c) noexcept { return c == channel::email ? "email" : "sms"; }

std::optional<channel> parse_channel(std::string_view text) noexcept {
    if (text == "sms") return channel::sms;
    if (text == "email") return channel::email;
    return std::nullopt;
}

std::string_view to_string(message_kind k) noexcept {
    switch (k) {
        case message_kind::otp_code: return "otp_code";
        case message_kind::sign_in_code: return "sign_in_code";
        case message_kind::email_verification: return "email_verification";
        case message_kind::password_reset: return "password_reset";
        case message_kind::password_changed: return "password_changed";
        case message_kind::email_change: return "email_change";
        case message_kind::email_change_notice: return "email_change_notice";
    }
    return "";
}

std::optional<message_kind> parse_message_kind(std::string_view text) noexcept {
    for (const auto k : all_message_kinds)
        if (to_string(k) == text) return k;
    return std::nullopt;
}

std::string_view to_string(message_status s) noexcept {
    switch (s) {
        case message_status::pending: return "pending";
        case message_status::sent: return "sent";
        case message_status::dead: return "dead";
        case message_status::expired: return "expired";
    }
    return "";
}

std::optional<message_status> parse_message_status(std::string_view text) noexcept {
    for (const auto s : {message_status::pending, message_status::sent, message_status::dead, message_status::expired})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

}  // namespace authd
