#pragma once
// The texts of the messages authd sends: one template per message kind and part, built in or overridden by a file
// of TEMPLATES_DIR, filled in with the message's values when it is sent.
#include <array>
#include <cstddef>
#include <string>

#include "core/delivery/message.hpp"

namespace authd::delivery {

struct template_settings {
    std::string app_name = "authd";
    std::string app_url{};  ///< e.g. https://auth.example.com, no trailing slash; empty: no verification link
    std::string dir{};      ///< TEMPLATES_DIR; empty: the built-in templates only
};

struct rendered_message {
    std::string subject{};  ///< e-mail only
    std::string text{};
    std::string html{};  ///< e-mail only; empty for SMS
};

/// The templates of every message kind, read once at construction.
///
/// Files (in `dir`, each optional, each replacing one built-in default): `<kind>.sms.txt`, `<kind>.email.subject`,
/// `<kind>.email.txt` and `<kind>.email.html`, where `<kind>` is to_string(message_kind) ("otp_code",
/// "sign_in_code", "email_verification", "password_reset", "password_changed"). A file that cannot be read or is larger than 64 KiB throws
/// std::runtime_error from the constructor, so that a bad override stops the start rather than a send. A subject
/// template is one line (trailing line breaks and blanks are trimmed).
///
/// Variables: `{{code}}` (the secret), `{{minutes}}` and `{{hours}}` (the lifetime in whole minutes and hours,
/// rounded up), `{{link}}` (the verification link: `app_url/verify-email?id=<account id>&token=<secret>`, both
/// percent-encoded; the reset link: `app_url/reset-password?token=<secret>`; the e-mail change link:
/// `app_url/confirm-email-change?token=<secret>`; empty for other kinds or without app_url), `{{app_name}}`, `{{name}}` (the recipient's name; empty
/// when absent or when it holds more than letters, blanks, ' - and a closing full stop, at most 50 bytes: a name
/// chosen by whoever registered must not smuggle a link or a message into someone's mailbox) and `{{greeting}}` ("Hello <name>," or "Hello," without a name). Values are put in as they are, never
/// read again for variables; in the HTML part each is HTML-escaped (& < > " '). An unknown `{{x}}` stays as written.
///
/// One conditional: a line that starts with `{{#link}}` is kept (without the marker) when there is a link and
/// dropped, line break included, when there is none.
class templates {
public:
    explicit templates(template_settings settings);
    /// Throws std::invalid_argument for a kind or channel out of range (never for a valid message).
    rendered_message render(const outgoing_message& m) const;

private:
    static constexpr std::size_t kinds = 7;  // message_kind's values
    static constexpr std::size_t parts = 4;  // sms text, e-mail subject, e-mail text, e-mail HTML
    template_settings settings_;
    std::array<std::array<std::string, parts>, kinds> texts_;
};

}  // namespace authd::delivery
