// The webhook channel without a network: the signature (known answers computed with `openssl dgst -sha256 -hmac`),
// the JSON body, and the settings it refuses.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "adapters/delivery/webhook_channel.hpp"

using namespace authd;
using namespace authd::delivery;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("webhook_signature is t and the hex HMAC-SHA256 of t.body under the secret", "[delivery][webhook]") {
    // printf '%s' '1700000000.{"id":"1"}' | openssl dgst -sha256 -hmac 'whsec_test'
    CHECK(webhook_signature("whsec_test", 1700000000, R"({"id":"1"})") ==
          "t=1700000000,v1=11bf4466ea17c3df3fd743af0b435368e16b7a05eb8eced85e8c4670767bdec5");
    // printf '%s' '1700000000.' | openssl dgst -sha256 -hmac 'whsec_test'
    CHECK(webhook_signature("whsec_test", 1700000000, "") ==
          "t=1700000000,v1=5967f3c560522fa40cf2876ebc3c3a08551dd6959aaade3b413460591895bdcc");
}

TEST_CASE("webhook_signature changes with the secret, the time and the body", "[delivery][webhook]") {
    const auto base = webhook_signature("whsec_test", 1700000000, R"({"id":"1"})");
    CHECK(webhook_signature("whsec_other", 1700000000, R"({"id":"1"})") != base);
    CHECK(webhook_signature("whsec_test", 1700000001, R"({"id":"1"})").substr(16) != base.substr(16));
    CHECK(webhook_signature("whsec_test", 1700000000, R"({"id":"2"})") != base);
}

TEST_CASE("the webhook body of an SMS has no subject or html", "[delivery][webhook]") {
    const rendered_message m{.subject = {}, .text = "Your authd code is 123456.", .html = {}};
    CHECK(webhook_body("m-1", channel::sms, "+212612345678", message_kind::otp_code, m) ==
          R"({"id":"m-1","channel":"sms","kind":"otp_code","to":"+212612345678","text":"Your authd code is 123456."})");
}

TEST_CASE("the webhook body of an e-mail carries subject and html, escaped as JSON", "[delivery][webhook]") {
    const rendered_message m{.subject = "Say \"hi\"", .text = "a\\b\nc\td\x01", .html = "<p>é</p>"};
    const auto body = webhook_body("m-2", channel::email, "cleo@example.com", message_kind::sign_in_code, m);
    CHECK(body ==
          "{\"id\":\"m-2\",\"channel\":\"email\",\"kind\":\"sign_in_code\",\"to\":\"cleo@example.com\","
          "\"subject\":\"Say \\\"hi\\\"\",\"text\":\"a\\\\b\\nc\\td\\u0001\",\"html\":\"<p>é</p>\"}");
    CHECK(has(body, R"("kind":"sign_in_code")"));
}

TEST_CASE("a webhook needs an http(s) URL and a secret", "[delivery][webhook]") {
    CHECK_THROWS_AS(webhook_channel({.url = "ftp://example.com/hook", .secret = "s"}), std::invalid_argument);
    CHECK_THROWS_AS(webhook_channel({.url = "example.com/hook", .secret = "s"}), std::invalid_argument);
    CHECK_THROWS_AS(webhook_channel({.url = "https://example.com/hook", .secret = ""}), std::invalid_argument);
    CHECK_NOTHROW(webhook_channel({.url = "https://example.com/hook", .secret = "s"}));
    CHECK_NOTHROW(webhook_channel({.url = "HTTP://127.0.0.1:9/hook", .secret = "s"}));
}

TEST_CASE("a receiver's refusal kills a message only when it is about the message itself", "[delivery][webhook]") {
    for (const long status : {400L, 413L, 415L, 422L}) CHECK(refuses_message_for_good(status));
    // A wrong URL or secret is the operator's to fix: the messages wait for it instead of dying.
    for (const long status : {401L, 403L, 404L, 405L, 408L, 409L, 429L, 500L, 502L, 503L, 302L})
        CHECK_FALSE(refuses_message_for_good(status));
}
