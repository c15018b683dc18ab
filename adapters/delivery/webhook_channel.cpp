#include "adapters/delivery/webhook_channel.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "adapters/delivery/curl_support.hpp"
#include "core/common/encoding.hpp"
#include "core/ports/message_sender.hpp"

namespace authd::delivery {
namespace {

/// The receiver's reply body is not read: dropped as it comes.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// --- JSON ---------------------------------------------------------------------------------------------------------

void append_json_string(std::string& out, std::string_view value) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (const auto b = static_cast<unsigned char>(c); b < 0x20) {
                    out += "\\u00";
                    out += hex[b >> 4];
                    out += hex[b & 0x0F];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

void append_member(std::string& out, std::string_view name, std::string_view value) {
    if (out.size() > 1) out += ',';
    append_json_string(out, name);
    out += ':';
    append_json_string(out, value);
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

bool has_control(std::string_view text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') return true;
    return false;
}

const unsigned char* bytes_of(std::string_view s) noexcept {
    static constexpr unsigned char empty = 0;
    return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
    if (secret.size() > static_cast<std::size_t>(INT_MAX)) throw std::invalid_argument("webhook secret too long");
    const std::string t = std::to_string(unix_seconds);
    const std::string signed_text = t + "." + std::string(body);
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), bytes_of(secret), static_cast<int>(secret.size()), bytes_of(signed_text), signed_text.size(),
             mac.data(), &length) == nullptr ||
        length != 32)
        throw std::runtime_error("HMAC-SHA256 failed");
    return "t=" + t + ",v1=" + hex_encode(std::span<const std::uint8_t>(mac.data(), length));
}

std::string webhook_body(std::string_view message_id, authd::channel c, std::string_view to, message_kind kind,
                         const rendered_message& message) {
    std::string body = "{";
    append_member(body, "id", message_id);
    append_member(body, "channel", to_string(c));
    append_member(body, "kind", to_string(kind));
    append_member(body, "to", to);
    if (c == channel::email) append_member(body, "subject", message.subject);
    append_member(body, "text", message.text);
    if (c == channel::email) append_member(body, "html", message.html);
    body += '}';
    return body;
}

bool refuses_message_for_good(long status) {
    // Only a refusal of this message's content is final. 401, 403, 404 and their kin say the URL or the secret is wrong:
    // the operator's fault, retried until fixed rather than killing every message meanwhile.
    return status == 400 || status == 413 || status == 415 || status == 422;
}

webhook_channel::webhook_channel(webhook_settings settings) : settings_(std::move(settings)) {
    if (!starts_with_ignoring_case(settings_.url, "https://") && !starts_with_ignoring_case(settings_.url, "http://"))
        throw std::invalid_argument("a webhook URL must start with https:// or http://");
    if (has_control(settings_.url) || settings_.url.find(' ') != std::string::npos)
        throw std::invalid_argument("a webhook URL holds a blank or a control character");
    if (settings_.secret.empty()) throw std::invalid_argument("a webhook needs a secret to sign its requests");
    if (settings_.timeout <= std::chrono::seconds::zero())
        throw std::invalid_argument("a webhook's timeout must be positive");
    curl();  // loads libcurl now: a host without it fails at start-up, not at the first message
}

void webhook_channel::send(std::string_view message_id, authd::channel c, const std::string& to, message_kind kind,
                           const rendered_message& message, time_point now) {
    if (message_id.empty() || has_control(message_id))
        throw delivery_failed("webhook: the message id cannot make a header", true);
    const std::string body = webhook_body(message_id, c, to, kind, message);
    const std::string signature = webhook_signature(settings_.secret, now.time_since_epoch().count(), body);

    curl_handle handle(curl().easy_init());
    if (!handle) throw delivery_failed("webhook: cannot start libcurl", false);
    CURL* h = handle.get();
    curl_list headers;
    append(headers, "Content-Type: application/json");
    append(headers, "X-Authd-Message-Id: " + std::string(message_id));
    append(headers, "X-Authd-Signature: " + signature);
    append(headers, "Expect:");  // no 100-continue round trip for a larger body

    set(h, CURLOPT_URL, settings_.url.c_str());
    set(h, CURLOPT_PROTOCOLS_STR, "http,https");
    set(h, CURLOPT_FOLLOWLOCATION, 0L);
    set(h, CURLOPT_SSL_VERIFYPEER, 1L);
    set(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!settings_.ca_file.empty()) set(h, CURLOPT_CAINFO, settings_.ca_file.c_str());
    set(h, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    set(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.timeout.count()));
    set(h, CURLOPT_NOSIGNAL, 1L);
    set(h, CURLOPT_USERAGENT, "authd");
    set(h, CURLOPT_HTTPHEADER, headers.get());
    set(h, CURLOPT_POST, 1L);
    set(h, CURLOPT_POSTFIELDS, body.c_str());
    set(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    set(h, CURLOPT_WRITEFUNCTION, &discard);

    const CURLcode rc = curl().easy_perform(h);
    if (rc != CURLE_OK) throw delivery_failed(std::string("webhook: ") + curl().easy_strerror(rc), false);
    long status = 0;
    curl().easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return;
    throw delivery_failed("webhook: the receiver answered HTTP " + std::to_string(status),
                          refuses_message_for_good(status));
}

}  // namespace authd::delivery
