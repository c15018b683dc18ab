#pragma once
// What a use case asks to have delivered: a code or a link for one person. Texts are not the core's: the delivery
// adapter renders them from templates when it sends (adapters/delivery/templates.cpp).
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

enum class channel { sms, email };
std::string_view to_string(channel c) noexcept;
std::optional<channel> parse_channel(std::string_view text) noexcept;

/// Which message: each has its own template.
enum class message_kind {
    otp_code,             ///< an agent's one-time code, by SMS or e-mail
    sign_in_code,         ///< a client's e-mailed second factor
    email_verification,   ///< a client's e-mail verification token (and the link that uses it)
    password_reset,       ///< a password reset token (and the link to the page that uses it)
    password_changed,     ///< a notice that the password was changed: no secret
    email_change,         ///< to a new address: the token (and the link) that makes it the account's
    email_change_notice,  ///< to the old address: a change was asked for; no secret
};
std::string_view to_string(message_kind k) noexcept;
std::optional<message_kind> parse_message_kind(std::string_view text) noexcept;
/// Every kind, for a store that must name the ones this build can send.
inline constexpr message_kind all_message_kinds[] = {message_kind::otp_code,           message_kind::sign_in_code,
                                                     message_kind::email_verification, message_kind::password_reset,
                                                     message_kind::password_changed,   message_kind::email_change,
                                                     message_kind::email_change_notice};

struct outgoing_message {
    authd::channel channel = channel::sms;
    message_kind kind = message_kind::otp_code;
    std::string recipient;       ///< E.164 number or e-mail address
    std::string recipient_name;  ///< how to greet them; may be empty
    std::string secret;          ///< the code or the token: sealed at rest, deleted once sent
    seconds lifetime{};          ///< how long the secret is valid
    std::string account_id;      ///< whose account (a verification link names it)
};

}  // namespace authd
