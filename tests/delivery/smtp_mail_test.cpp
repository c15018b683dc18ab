// The mail the SMTP channel hands to the server, without a server: headers, encodings, the refused header
// injection. (Sending over SMTP is tested end to end elsewhere.)
#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

#include "adapters/delivery/smtp_channel.hpp"
#include "core/ports/message_sender.hpp"

using namespace authd;
using namespace authd::delivery;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Tue, 14 Nov 2023 22:13:20 UTC
const std::chrono::system_clock::time_point date{std::chrono::seconds{1700000000}};

const rendered_message sign_in{
    .subject = "Your authd sign-in code", .text = "Hello,\n\nYour code is 654321.\n", .html = "<p>654321</p>"};

bool permanent_failure(const std::string& to, const rendered_message& m, const std::string& id = "42") {
    try {
        compose_mail("authd <no-reply@example.com>", to, id, m, date);
    } catch (const delivery_failed& e) {
        return e.permanent();
    }
    return false;
}

}  // namespace

TEST_CASE("the mail has its headers, a stable Message-ID and CRLF line endings only", "[delivery][smtp]") {
    const auto mail = compose_mail("authd <no-reply@example.com>", "cleo@example.com", "42", sign_in, date);
    CHECK(
        mail.starts_with("From: authd <no-reply@example.com>\r\nTo: cleo@example.com\r\n"
                         "Subject: Your authd sign-in code\r\nDate: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
                         "Message-ID: <42@authd>\r\nMIME-Version: 1.0\r\n"));
    CHECK(has(mail, "Content-Type: multipart/alternative; boundary=\"=_authd_42\"\r\n"));
    CHECK(has(mail, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"));
    CHECK(has(mail, "Content-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"));
    CHECK(has(mail, "\r\n--=_authd_42--\r\n"));
    // "Hello,\r\n\r\nYour code is 654321.\r\n" in base64: the text's line breaks became CRLF before encoding.
    CHECK(has(mail, "SGVsbG8sDQoNCllvdXIgY29kZSBpcyA2NTQzMjEuDQo=\r\n"));
    for (std::size_t i = 0; i < mail.size(); ++i)
        if (mail[i] == '\n') REQUIRE((i > 0 && mail[i - 1] == '\r'));
    CHECK(compose_mail("authd <no-reply@example.com>", "cleo@example.com", "42", sign_in,
                       date + std::chrono::hours{1}) != mail);
}

TEST_CASE("base64 body lines are at most 76 characters", "[delivery][smtp]") {
    const rendered_message long_text{.subject = "s", .text = std::string(1000, 'a'), .html = {}};
    const auto mail = compose_mail("no-reply@example.com", "cleo@example.com", "m-1", long_text, date);
    CHECK(has(mail, "Content-Type: text/plain; charset=UTF-8\r\n"));
    CHECK_FALSE(has(mail, "multipart"));
    std::size_t start = 0;
    while (start < mail.size()) {
        const auto end = mail.find("\r\n", start);
        REQUIRE(end != std::string::npos);
        CHECK(end - start <= 78);
        start = end + 2;
    }
}

TEST_CASE("a subject that is not ASCII is an RFC 2047 encoded-word", "[delivery][smtp]") {
    const rendered_message m{.subject = "Votre code à usage unique", .text = "x", .html = "y"};
    const auto mail = compose_mail("no-reply@example.com", "cleo@example.com", "42", m, date);
    // printf '%s' 'Votre code à usage unique' | base64
    CHECK(has(mail, "Subject: =?UTF-8?B?Vm90cmUgY29kZSDDoCB1c2FnZSB1bmlxdWU=?=\r\n"));
}

TEST_CASE("a line break in the recipient or the subject is refused for good", "[delivery][smtp]") {
    CHECK(permanent_failure("cleo@example.com\r\nBcc: eve@example.com", sign_in));
    CHECK(permanent_failure("cleo@example.com\nBcc: eve@example.com", sign_in));
    auto injected = sign_in;
    injected.subject = "Hi\r\nBcc: eve@example.com";
    CHECK(permanent_failure("cleo@example.com", injected));
    CHECK(permanent_failure("not an address", sign_in));
    CHECK(permanent_failure("cleo@example.com", sign_in, "bad id\r\n"));
    CHECK_FALSE(permanent_failure("cleo@example.com", sign_in));
}

TEST_CASE("the SMTP channel refuses settings it cannot use", "[delivery][smtp]") {
    CHECK_THROWS_AS(smtp_channel({.host = "", .from = "no-reply@example.com"}), std::invalid_argument);
    CHECK_THROWS_AS(smtp_channel({.host = "smtp.example.com", .port = 0, .from = "no-reply@example.com"}),
                    std::invalid_argument);
    CHECK_THROWS_AS(smtp_channel({.host = "smtp.example.com", .from = ""}), std::invalid_argument);
    CHECK_THROWS_AS(smtp_channel({.host = "smtp.example.com", .from = "authd <no-reply@example.com"}),
                    std::invalid_argument);
    CHECK_NOTHROW(smtp_channel({.host = "smtp.example.com", .from = "authd <no-reply@example.com>"}));
}
