#include "adapters/delivery/smtp_channel.hpp"


#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "adapters/delivery/curl_support.hpp"
#include "core/ports/message_sender.hpp"

namespace authd::delivery {
namespace {

/// The message as libcurl reads it (CURLOPT_READFUNCTION).
struct upload {
    std::string_view data;
    std::size_t sent = 0;
};

std::size_t read_chunk(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* source = static_cast<upload*>(user);
    const std::size_t n = std::min(size * count, source->data.size() - source->sent);
    if (n > 0) std::memcpy(buffer, source->data.data() + source->sent, n);
    source->sent += n;
    return n;
}

// --- Mail format --------------------------------------------------------------------------------------------------

std::string base64(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return std::uint32_t{static_cast<unsigned char>(in[k])}; };
    for (; i + 3 <= in.size(); i += 3) {
        const std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (const std::size_t rest = in.size() - i; rest > 0) {
        std::uint32_t v = byte(i) << 16;
        if (rest == 2) v |= byte(i + 1) << 8;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

/// A body part: canonical CRLF line endings, then base64 in lines of 76 characters (RFC 2045).
std::string base64_body(std::string_view text) {
    std::string canonical;
    canonical.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) canonical += '\r';
        canonical += text[i];
    }
    const std::string encoded = base64(canonical);
    std::string out;
    out.reserve(encoded.size() + encoded.size() / 38 + 2);
    for (std::size_t i = 0; i < encoded.size(); i += 76) out.append(encoded, i, 76).append("\r\n");
    return out;
}

bool is_plain_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b >= 0x20 && b < 0x7f;
    });
}

/// RFC 2047 encoded-words (=?UTF-8?B?...?=), folded so that each stays within 75 characters and no UTF-8 sequence
/// is split between two of them.
std::string encoded_words(std::string_view text) {
    constexpr std::size_t chunk = 45;  // 60 base64 characters + 12 of framing
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = std::min(i + chunk, text.size());
        if (end < text.size()) {
            std::size_t cut = end;
            while (cut > i && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
            if (cut > i) end = cut;  // else: no UTF-8 there; cut anywhere
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

/// A header value as it may be written: as is when it is short printable ASCII with nothing that reads like an
/// encoded-word, encoded otherwise.
std::string header_text(std::string_view value) {
    if (is_plain_ascii(value) && value.size() <= 900 && value.find("=?") == std::string_view::npos)
        return std::string(value);
    return encoded_words(value);
}

bool has_line_break(std::string_view text) { return text.find_first_of("\r\n") != std::string_view::npos; }

std::string trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t") - first + 1));
}

/// An address usable in MAIL FROM / RCPT TO and in a header: something@something, no blanks, controls or brackets.
bool acceptable_address(std::string_view address) {
    const auto at = address.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
    return std::none_of(address.begin(), address.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b <= 0x20 || b == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\';
    });
}

/// FROM_EMAIL: "addr" or "Name <addr>" (the name possibly quoted). Gives the address and the From header's value.
std::pair<std::string, std::string> parse_from(std::string_view from) {
    if (has_line_break(from)) throw std::invalid_argument("FROM_EMAIL must be one line");
    const std::string text = trimmed(from);
    const auto open = text.rfind('<');
    if (open == std::string::npos) {
        if (!acceptable_address(text)) throw std::invalid_argument("FROM_EMAIL holds no usable e-mail address");
        return {text, text};
    }
    if (text.back() != '>') throw std::invalid_argument("FROM_EMAIL: \"Name <address>\" must end with '>'");
    std::string address = text.substr(open + 1, text.size() - open - 2);
    if (!acceptable_address(address)) throw std::invalid_argument("FROM_EMAIL holds no usable e-mail address");
    std::string name = trimmed(std::string_view(text).substr(0, open));
    if (name.empty()) return {address, address};
    const bool quoted = name.size() >= 2 && name.front() == '"' && name.back() == '"';
    std::string display;
    if (!is_plain_ascii(name)) {
        if (quoted) name = name.substr(1, name.size() - 2);
        display = encoded_words(name);
    } else if (quoted || name.find_first_of("()<>[]:;@\\,.\"") == std::string::npos) {
        display = name;
    } else {
        display = "\"";  // specials in a display name need a quoted string
        for (const char c : name) {
            if (c == '"' || c == '\\') display += '\\';
            display += c;
        }
        display += '"';
    }
    return {address, display + " <" + address + ">"};
}

std::string two_digits(unsigned v) { return v < 10 ? "0" + std::to_string(v) : std::to_string(v); }

/// RFC 5322 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000" (English names whatever the locale).
std::string rfc5322_date(std::chrono::system_clock::time_point t) {
    static constexpr const char* week[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto secs = std::chrono::floor<std::chrono::seconds>(t);
    const auto days = std::chrono::floor<std::chrono::days>(secs);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::weekday wd{days};
    const std::chrono::hh_mm_ss hms{secs - days};
    return std::string(week[wd.c_encoding()]) + ", " + two_digits(static_cast<unsigned>(ymd.day())) + " " +
           months[static_cast<unsigned>(ymd.month()) - 1] + " " + std::to_string(static_cast<int>(ymd.year())) + " " +
           two_digits(static_cast<unsigned>(hms.hours().count())) + ":" +
           two_digits(static_cast<unsigned>(hms.minutes().count())) + ":" +
           two_digits(static_cast<unsigned>(hms.seconds().count())) + " +0000";
}

bool acceptable_message_id(std::string_view id) {
    return !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_';
    });
}

std::string smtp_error(CURLcode rc, long reply) {
    std::string text = std::string("SMTP: ") + curl().easy_strerror(rc);
    if (reply > 0) text += " (server reply " + std::to_string(reply) + ")";
    return text;
}

/// Whether the server's refusal is about this message for good. Refused credentials (535 and its kin) and a server
/// without STARTTLS are the configuration's fault, not the message's: they are retried.
bool permanent_refusal(CURLcode rc, long reply) {
    if (reply < 500 || reply > 599) return false;
    if (rc == CURLE_LOGIN_DENIED || rc == CURLE_USE_SSL_FAILED) return false;
    return reply != 530 && reply != 534 && reply != 535 && reply != 538;
}

}  // namespace

std::string compose_mail(std::string_view from_header, std::string_view to, std::string_view message_id,
                         const rendered_message& message, std::chrono::system_clock::time_point date) {
    if (has_line_break(to) || has_line_break(message.subject))
        throw delivery_failed("SMTP: a line break in the recipient or the subject (header injection refused)", true);
    if (!acceptable_address(to)) throw delivery_failed("SMTP: the recipient is no usable e-mail address", true);
    if (!acceptable_message_id(message_id))
        throw delivery_failed("SMTP: the message id cannot make a Message-ID header", true);

    std::string mail;
    mail.reserve(message.text.size() * 2 + message.html.size() * 2 + 1024);
    mail += "From: " + std::string(from_header) + "\r\n";
    mail += "To: " + std::string(to) + "\r\n";
    mail += "Subject: " + header_text(message.subject) + "\r\n";
    mail += "Date: " + rfc5322_date(date) + "\r\n";
    mail += "Message-ID: <" + std::string(message_id) + "@authd>\r\n";
    mail += "MIME-Version: 1.0\r\n";
    mail += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no vacation replies, please
    if (message.html.empty()) {
        mail += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        mail += base64_body(message.text);
        return mail;
    }
    // "=_" never occurs in base64, so the boundary cannot appear in a part.
    const std::string boundary = "=_authd_" + std::string(message_id.substr(0, 60));
    mail += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    mail +=
        "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    mail += base64_body(message.text);
    mail += "--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    mail += base64_body(message.html);
    mail += "--" + boundary + "--\r\n";
    return mail;
}

smtp_channel::smtp_channel(smtp_settings settings) : settings_(std::move(settings)) {
    if (settings_.host.empty() || settings_.host.find_first_of(" \t\r\n/?#@") != std::string::npos)
        throw std::invalid_argument("SMTP host is missing or not a host name");
    if (settings_.port < 1 || settings_.port > 65535) throw std::invalid_argument("SMTP port is out of range");
    if (settings_.timeout <= std::chrono::seconds::zero()) throw std::invalid_argument("SMTP timeout must be positive");
    std::tie(from_address_, from_header_) = parse_from(settings_.from);
    const bool ipv6 = settings_.host.find(':') != std::string::npos && settings_.host.front() != '[';
    url_ = std::string(settings_.tls == smtp_settings::tls_mode::implicit ? "smtps://" : "smtp://") +
           (ipv6 ? "[" + settings_.host + "]" : settings_.host) + ":" + std::to_string(settings_.port);
    curl();  // loads libcurl now: a host without it fails at start-up, not at the first message
}

void smtp_channel::send(std::string_view message_id, const std::string& to, const rendered_message& message) {
    const std::string mail = compose_mail(from_header_, to, message_id, message, std::chrono::system_clock::now());

    curl_handle handle(curl().easy_init());
    if (!handle) throw delivery_failed("SMTP: cannot start libcurl", false);
    CURL* h = handle.get();
    curl_list recipients;
    append(recipients, "<" + to + ">");
    upload source{mail};

    set(h, CURLOPT_URL, url_.c_str());
    set(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set(h, CURLOPT_USE_SSL,
        settings_.tls == smtp_settings::tls_mode::none ? long{CURLUSESSL_NONE} : long{CURLUSESSL_ALL});
    set(h, CURLOPT_SSL_VERIFYPEER, settings_.verify_certificate ? 1L : 0L);
    set(h, CURLOPT_SSL_VERIFYHOST, settings_.verify_certificate ? 2L : 0L);
    if (!settings_.ca_file.empty()) set(h, CURLOPT_CAINFO, settings_.ca_file.c_str());
    if (!settings_.user.empty()) {
        set(h, CURLOPT_USERNAME, settings_.user.c_str());
        set(h, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    set(h, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    set(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.timeout.count()));
    set(h, CURLOPT_NOSIGNAL, 1L);
    set(h, CURLOPT_MAIL_FROM, ("<" + from_address_ + ">").c_str());  // copied by libcurl
    set(h, CURLOPT_MAIL_RCPT, recipients.get());
    set(h, CURLOPT_UPLOAD, 1L);
    set(h, CURLOPT_READFUNCTION, &read_chunk);
    set(h, CURLOPT_READDATA, static_cast<void*>(&source));

    const CURLcode rc = curl().easy_perform(h);
    long reply = 0;
    curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    if (rc == CURLE_OK) return;
    throw delivery_failed(smtp_error(rc, reply), permanent_refusal(rc, reply));
}

}  // namespace authd::delivery
