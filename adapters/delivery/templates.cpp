#include "adapters/delivery/templates.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "core/common/encoding.hpp"

namespace authd::delivery {
namespace {

constexpr std::size_t max_template_size = 64 * 1024;

// --- The built-in templates ---------------------------------------------------------------------------------------
// Tests (and people's scripts) read the codes out of these sentences: keep "Your <app> code is <code>. It expires in
// <n> minutes.", "Your <app> sign-in code is <code>. ..." and "Your <app> verification token is <token> . It is valid
// for <n> hours." (the space before the period ends the token for a reader that cuts at " " or "."), and "Your
// password reset token is <token> ." and "Your e-mail change token is <token> ." word for word.

constexpr std::string_view otp_sms = "Your {{app_name}} code is {{code}}. It expires in {{minutes}} minutes.";
constexpr std::string_view otp_subject = "Your {{app_name}} code";
constexpr std::string_view otp_text = R"({{greeting}}

Your {{app_name}} code is {{code}}. It expires in {{minutes}} minutes.

If you did not ask for this code, you can ignore this message.
)";
constexpr std::string_view otp_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your {{app_name}} code</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">Your {{app_name}} code is {{code}}. It expires in {{minutes}} minutes.</p>
<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:4px;text-align:center;">{{code}}</p>
<p style="margin:0;font-size:13px;color:#71717a;">If you did not ask for this code, you can ignore this message.</p>
</div>
</body>
</html>
)";

constexpr std::string_view sign_in_sms =
    "Your {{app_name}} sign-in code is {{code}}. It expires in {{minutes}} minutes.";
constexpr std::string_view sign_in_subject = "Your {{app_name}} sign-in code";
constexpr std::string_view sign_in_text = R"({{greeting}}

Your {{app_name}} sign-in code is {{code}}. It expires in {{minutes}} minutes.

If you did not try to sign in, someone else knows your password: change it.
)";
constexpr std::string_view sign_in_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your {{app_name}} sign-in code</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">Your {{app_name}} sign-in code is {{code}}. It expires in {{minutes}} minutes.</p>
<p style="margin:0 0 16px;font-size:28px;font-weight:bold;letter-spacing:4px;text-align:center;">{{code}}</p>
<p style="margin:0;font-size:13px;color:#71717a;">If you did not try to sign in, someone else knows your password: change it.</p>
</div>
</body>
</html>
)";

// E-mail only in practice; the SMS text is there so that every kind renders on every channel.
constexpr std::string_view verification_sms =
    "Your {{app_name}} verification token is {{code}} . It is valid for {{hours}} hours.";
constexpr std::string_view verification_subject = "Verify your {{app_name}} e-mail address";
constexpr std::string_view verification_text = R"({{greeting}}

Your {{app_name}} verification token is {{code}} . It is valid for {{hours}} hours.
{{#link}}Or open this link to verify your address: {{link}}

If you did not create an account, you can ignore this message.
)";
constexpr std::string_view verification_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Verify your {{app_name}} e-mail address</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;word-break:break-all;">Your {{app_name}} verification token is {{code}} . It is valid for {{hours}} hours.</p>
{{#link}}<p style="margin:0 0 16px;text-align:center;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Verify my address</a></p>
{{#link}}<p style="margin:0 0 16px;font-size:13px;word-break:break-all;">Or open this link to verify your address: <a href="{{link}}" style="color:#2563eb;">{{link}}</a></p>
<p style="margin:0;font-size:13px;color:#71717a;">If you did not create an account, you can ignore this message.</p>
</div>
</body>
</html>
)";

// E-mail only in practice, as the verification.
constexpr std::string_view reset_sms =
    "Your {{app_name}} password reset token is {{code}} . It is valid for {{minutes}} minutes.";
constexpr std::string_view reset_subject = "Reset your {{app_name}} password";
constexpr std::string_view reset_text = R"({{greeting}}

Someone asked to reset the password of your {{app_name}} account.
Your password reset token is {{code}} . It is valid for {{minutes}} minutes and works once.
{{#link}}Open this link to choose a new password: {{link}}

If it was not you, ignore this message: your password stays as it is.
)";
constexpr std::string_view reset_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Reset your {{app_name}} password</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">Someone asked to reset the password of your {{app_name}} account.</p>
<p style="margin:0 0 16px;word-break:break-all;">Your password reset token is {{code}} . It is valid for {{minutes}} minutes and works once.</p>
{{#link}}<p style="margin:0 0 16px;text-align:center;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Choose a new password</a></p>
{{#link}}<p style="margin:0 0 16px;font-size:13px;word-break:break-all;">Or open this link: <a href="{{link}}" style="color:#2563eb;">{{link}}</a></p>
<p style="margin:0;font-size:13px;color:#71717a;">If it was not you, ignore this message: your password stays as it is.</p>
</div>
</body>
</html>
)";

// A notice: no secret, nothing to click.
constexpr std::string_view changed_sms = "The password of your {{app_name}} account was changed.";
constexpr std::string_view changed_subject = "Your {{app_name}} password was changed";
constexpr std::string_view changed_text = R"({{greeting}}

The password of your {{app_name}} account was just changed, and every other session was signed out.

If it was not you, reset your password at once and tell the people who run {{app_name}}.
)";
constexpr std::string_view changed_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your {{app_name}} password was changed</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">The password of your {{app_name}} account was just changed, and every other session was signed out.</p>
<p style="margin:0;font-size:13px;color:#71717a;">If it was not you, reset your password at once and tell the people who run {{app_name}}.</p>
</div>
</body>
</html>
)";

// E-mail only in practice. The token goes to the new address: the change happens only when it is used.
constexpr std::string_view email_change_sms =
    "Your {{app_name}} e-mail change token is {{code}} . It is valid for {{hours}} hours.";
constexpr std::string_view email_change_subject = "Confirm your new {{app_name}} e-mail address";
constexpr std::string_view email_change_text = R"({{greeting}}

Someone asked to make this the e-mail address of their {{app_name}} account.
Your e-mail change token is {{code}} . It is valid for {{hours}} hours and works once.
{{#link}}Open this link to confirm: {{link}}

If it was not you, ignore this message: nothing changes.
)";
constexpr std::string_view email_change_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Confirm your new {{app_name}} e-mail address</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">Someone asked to make this the e-mail address of their {{app_name}} account.</p>
<p style="margin:0 0 16px;word-break:break-all;">Your e-mail change token is {{code}} . It is valid for {{hours}} hours and works once.</p>
{{#link}}<p style="margin:0 0 16px;text-align:center;"><a href="{{link}}" style="display:inline-block;padding:12px 24px;background-color:#2563eb;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:6px;">Confirm this address</a></p>
{{#link}}<p style="margin:0 0 16px;font-size:13px;word-break:break-all;">Or open this link: <a href="{{link}}" style="color:#2563eb;">{{link}}</a></p>
<p style="margin:0;font-size:13px;color:#71717a;">If it was not you, ignore this message: nothing changes.</p>
</div>
</body>
</html>
)";

// A notice to the address in use: no secret, nothing to click.
constexpr std::string_view change_notice_sms =
    "Someone asked to change the e-mail address of your {{app_name}} account.";
constexpr std::string_view change_notice_subject = "A change of your {{app_name}} e-mail address was asked for";
constexpr std::string_view change_notice_text = R"({{greeting}}

Someone signed in to your {{app_name}} account with its password and asked to change its e-mail address. The address
changes only when the link sent to the new one is used.

If it was not you, change your password at once and tell the people who run {{app_name}}.
)";
constexpr std::string_view change_notice_html = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A change of your {{app_name}} e-mail address was asked for</title>
</head>
<body style="margin:0;padding:24px;background-color:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
<div style="max-width:480px;margin:0 auto;padding:24px;background-color:#ffffff;border-radius:8px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">Someone signed in to your {{app_name}} account with its password and asked to change its e-mail address. The address changes only when the link sent to the new one is used.</p>
<p style="margin:0;font-size:13px;color:#71717a;">If it was not you, change your password at once and tell the people who run {{app_name}}.</p>
</div>
</body>
</html>
)";

struct kind_defaults {
    message_kind kind;
    std::array<std::string_view, 4> texts;  // sms text, e-mail subject, e-mail text, e-mail HTML
};
// In the order of message_kind's values.
constexpr std::array<kind_defaults, 7> defaults{{
    {message_kind::otp_code, {otp_sms, otp_subject, otp_text, otp_html}},
    {message_kind::sign_in_code, {sign_in_sms, sign_in_subject, sign_in_text, sign_in_html}},
    {message_kind::email_verification, {verification_sms, verification_subject, verification_text, verification_html}},
    {message_kind::password_reset, {reset_sms, reset_subject, reset_text, reset_html}},
    {message_kind::password_changed, {changed_sms, changed_subject, changed_text, changed_html}},
    {message_kind::email_change, {email_change_sms, email_change_subject, email_change_text, email_change_html}},
    {message_kind::email_change_notice,
     {change_notice_sms, change_notice_subject, change_notice_text, change_notice_html}},
}};
constexpr std::array<std::string_view, 4> suffixes{".sms.txt", ".email.subject", ".email.txt", ".email.html"};
constexpr std::size_t sms_text = 0, email_subject = 1, email_text = 2, email_html = 3;

// --- Loading ------------------------------------------------------------------------------------------------------

/// The content of `file`, or nothing when there is no such file.
std::optional<std::string> read_override(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found) return std::nullopt;
    if (ec) throw std::runtime_error("TEMPLATES_DIR: cannot read " + file.string() + ": " + ec.message());
    if (status.type() != std::filesystem::file_type::regular)
        throw std::runtime_error("TEMPLATES_DIR: " + file.string() + " is not a regular file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("TEMPLATES_DIR: cannot read " + file.string());
    // Read one byte more than allowed rather than trust the size stat() gave: the file may change meanwhile.
    std::string text(max_template_size + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw std::runtime_error("TEMPLATES_DIR: cannot read " + file.string());
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_template_size)
        throw std::runtime_error("TEMPLATES_DIR: " + file.string() + " is larger than 64 KiB");
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // a byte-order mark some editors write
    return text;
}

/// A subject template is one line: the line break an editor adds at the end goes, any other is an error.
std::string one_line(std::string text, const std::string& file) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.pop_back();
    if (text.find_first_of("\r\n") != std::string::npos)
        throw std::runtime_error("TEMPLATES_DIR: " + file + " must hold one line (an e-mail subject)");
    return text;
}

// --- Rendering ----------------------------------------------------------------------------------------------------

void append_html_escaped(std::string& out, std::string_view value) { out += html_escaped(value); }

/// RFC 3986 percent-encoding of everything but the unreserved characters.
std::string percent_encoded(std::string_view value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 0x0F];
        }
    }
    return out;
}

/// The `{{#link}}` conditional: lines that start with the marker are kept without it when `keep`, dropped otherwise.
std::string with_conditional_lines(std::string_view text, bool keep) {
    static constexpr std::string_view marker = "{{#link}}";
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        end = end == std::string_view::npos ? text.size() : end + 1;  // the line with its line break
        const std::string_view line = text.substr(start, end - start);
        if (!line.starts_with(marker)) out += line;
        else if (keep) out += line.substr(marker.size());
        start = end;
    }
    return out;
}

struct variable {
    std::string_view name;
    std::string value;
};

/// Replaces each known `{{name}}` with its value (HTML-escaped when `html`); unknown ones stay as written. One pass:
/// a value that holds "{{code}}" is not read again.
std::string substituted(std::string_view text, const std::array<variable, 7>& variables, bool html) {
    std::string out;
    out.reserve(text.size() + 64);
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t open = text.find("{{", at);
        if (open == std::string_view::npos) break;
        const std::size_t close = text.find("}}", open + 2);
        if (close == std::string_view::npos) break;
        out += text.substr(at, open - at);
        const std::string_view name = text.substr(open + 2, close - open - 2);
        const variable* found = nullptr;
        for (const auto& v : variables)
            if (v.name == name) found = &v;
        if (found == nullptr) {
            // Unknown: keep its opening braces and look again right after them ("{{{{code}}" still finds {{code}}).
            out += "{{";
            at = open + 2;
            continue;
        }
        if (html) append_html_escaped(out, found->value);
        else out += found->value;
        at = close + 2;
    }
    out += text.substr(at);
    return out;
}

/// The name as a message may greet with it, or empty. Anyone can register someone else's address under a name of
/// their choosing, so a name that could carry a message of its own (a link, a domain, a number to call, a sentence)
/// is left out: at most 50 bytes of letters (any non-ASCII byte counts as one), blanks, ' and -, and a full stop only
/// before a blank or at the end ("Dr. Who", never "evil.example").
std::string greetable(std::string_view name) {
    if (name.size() > 50) return {};
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        const bool full_stop = c == '.' && (i + 1 == name.size() || name[i + 1] == ' ');
        if (!letter && !full_stop && c != ' ' && c != '\'' && c != '-') return {};
    }
    return std::string(name);
}

std::string whole_units(seconds lifetime, seconds::rep unit) {
    const auto s = lifetime.count();
    return std::to_string(s <= 0 ? 0 : (s + unit - 1) / unit);
}

/// A subject goes into a mail header: no value may break its line.
std::string single_line(std::string text) {
    for (char& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    return text;
}

}  // namespace

templates::templates(template_settings settings) : settings_(std::move(settings)) {
    std::filesystem::path dir;
    if (!settings_.dir.empty()) {
        dir = settings_.dir;
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw std::runtime_error("TEMPLATES_DIR: " + settings_.dir + " is not a readable directory");
    }
    for (std::size_t k = 0; k < kinds; ++k) {
        for (std::size_t p = 0; p < parts; ++p) {
            std::string& text = texts_[k][p];
            text = std::string(defaults[k].texts[p]);
            if (dir.empty()) continue;
            const auto file = dir / (std::string(to_string(defaults[k].kind)) + std::string(suffixes[p]));
            if (auto found = read_override(file)) text = p == email_subject ? one_line(*found, file.string()) : *found;
        }
    }
}

rendered_message templates::render(const outgoing_message& m) const {
    const auto k = static_cast<std::size_t>(m.kind);
    if (k >= kinds || defaults[k].kind != m.kind) throw std::invalid_argument("no template for this message kind");
    if (m.channel != channel::sms && m.channel != channel::email)
        throw std::invalid_argument("no template for this channel");

    std::string link;
    if (m.kind == message_kind::email_verification && !settings_.app_url.empty())
        link = settings_.app_url + "/verify-email?id=" + percent_encoded(m.account_id) +
               "&token=" + percent_encoded(m.secret);
    if (m.kind == message_kind::password_reset && !settings_.app_url.empty())
        link = settings_.app_url + "/reset-password?token=" + percent_encoded(m.secret);
    if (m.kind == message_kind::email_change && !settings_.app_url.empty())
        link = settings_.app_url + "/confirm-email-change?token=" + percent_encoded(m.secret);
    const std::string name = greetable(m.recipient_name);
    const std::array<variable, 7> variables{{
        {"code", m.secret},
        {"minutes", whole_units(m.lifetime, 60)},
        {"hours", whole_units(m.lifetime, 3600)},
        {"link", link},
        {"app_name", settings_.app_name},
        {"name", name},
        {"greeting", name.empty() ? std::string("Hello,") : "Hello " + name + ","},
    }};
    const auto& texts = texts_[k];
    const auto render_part = [&](std::size_t part, bool html) {
        return substituted(with_conditional_lines(texts[part], !link.empty()), variables, html);
    };

    rendered_message out;
    if (m.channel == channel::sms) {
        out.text = render_part(sms_text, false);
        return out;
    }
    out.subject = single_line(render_part(email_subject, false));
    out.text = render_part(email_text, false);
    out.html = render_part(email_html, true);
    return out;
}

}  // namespace authd::delivery
