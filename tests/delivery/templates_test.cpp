// The message templates: the built-in texts (whose sentences tests and scripts read codes out of), the variables,
// HTML escaping, the {{#link}} line and the overrides of TEMPLATES_DIR.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/delivery/templates.hpp"

using namespace authd;
using namespace authd::delivery;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

outgoing_message otp_sms() {
    outgoing_message m;
    m.channel = channel::sms;
    m.kind = message_kind::otp_code;
    m.recipient = "+212612345678";
    m.secret = "123456";
    m.lifetime = seconds{300};
    m.account_id = "agent-1";
    return m;
}

outgoing_message sign_in_mail() {
    outgoing_message m;
    m.channel = channel::email;
    m.kind = message_kind::sign_in_code;
    m.recipient = "cleo@example.com";
    m.recipient_name = "Cleo";
    m.secret = "654321";
    m.lifetime = seconds{300};
    m.account_id = "client-1";
    return m;
}

outgoing_message verification_mail() {
    outgoing_message m;
    m.channel = channel::email;
    m.kind = message_kind::email_verification;
    m.recipient = "cleo@example.com";
    m.recipient_name = "Cleo";
    m.secret = "tok+en/1";
    m.lifetime = seconds{24 * 3600};
    m.account_id = "id 1&2";
    return m;
}

/// A folder of its own under the system's temporary folder, removed at the end.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        static std::atomic<int> counter{0};
        path = std::filesystem::temp_directory_path() /
               ("authd-templates-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + "-" +
                std::to_string(counter++));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    void write(const std::string& name, const std::string& content) const {
        std::ofstream out(path / name, std::ios::binary);
        out << content;
    }
};

}  // namespace

TEST_CASE("the default OTP texts carry the code sentence on both channels", "[delivery][templates]") {
    const templates t({});
    const auto sms = t.render(otp_sms());
    CHECK(sms.text == "Your authd code is 123456. It expires in 5 minutes.");
    CHECK(sms.subject.empty());
    CHECK(sms.html.empty());

    auto m = otp_sms();
    m.channel = channel::email;
    m.recipient = "amina@example.com";
    const auto mail = t.render(m);
    CHECK(mail.subject == "Your authd code");
    CHECK(has(mail.text, "Your authd code is 123456. It expires in 5 minutes."));
    CHECK(has(mail.html, "Your authd code is 123456. It expires in 5 minutes."));
    CHECK(has(mail.html, "<!DOCTYPE html>"));
    CHECK(has(mail.html, "</html>"));
}

TEST_CASE("the default sign-in texts carry the sign-in sentence and greet by name", "[delivery][templates]") {
    const auto mail = templates({.app_name = "Acme"}).render(sign_in_mail());
    CHECK(mail.subject == "Your Acme sign-in code");
    CHECK(has(mail.text, "Your Acme sign-in code is 654321. It expires in 5 minutes."));
    CHECK(has(mail.text, "Hello Cleo,"));
    CHECK(has(mail.html, "Hello Cleo,"));

    auto anonymous = sign_in_mail();
    anonymous.recipient_name.clear();
    const auto plain = templates({}).render(anonymous);
    CHECK(has(plain.text, "Hello,\n"));
    CHECK_FALSE(has(plain.text, "Hello ,"));
}

TEST_CASE("minutes and hours are whole units rounded up", "[delivery][templates]") {
    auto m = otp_sms();
    m.lifetime = seconds{301};
    CHECK(templates({}).render(m).text == "Your authd code is 123456. It expires in 6 minutes.");

    auto v = verification_mail();
    v.lifetime = seconds{24 * 3600 + 1};
    CHECK(has(templates({}).render(v).text, "It is valid for 25 hours."));
}

TEST_CASE("without APP_URL the verification mail carries the token and no link line", "[delivery][templates]") {
    const auto mail = templates({}).render(verification_mail());
    CHECK(has(mail.text, "Your authd verification token is tok+en/1 . It is valid for 24 hours."));
    CHECK_FALSE(has(mail.text, "Or open this link"));
    CHECK_FALSE(has(mail.text, "{{"));
    CHECK_FALSE(has(mail.html, "{{"));
    CHECK_FALSE(has(mail.html, "<a "));
    CHECK(has(mail.html, "Your authd verification token is tok+en/1 . It is valid for 24 hours."));
    // The dropped line leaves no blank line of its own: the sentence is followed by the one blank line before the end.
    CHECK(has(mail.text, "24 hours.\n\nIf you did not"));
}

TEST_CASE("with APP_URL the verification mail has the percent-encoded link on its own line", "[delivery][templates]") {
    const auto mail = templates({.app_url = "https://auth.example.com"}).render(verification_mail());
    const std::string link = "https://auth.example.com/verify-email?id=id%201%262&token=tok%2Ben%2F1";
    CHECK(has(mail.text,
              "Your authd verification token is tok+en/1 . It is valid for 24 hours.\n"
              "Or open this link to verify your address: " +
                  link + "\n"));
    CHECK(mail.subject == "Verify your authd e-mail address");
    // In the HTML part the link is escaped like every value: & becomes &amp;.
    const std::string escaped = "https://auth.example.com/verify-email?id=id%201%262&amp;token=tok%2Ben%2F1";
    CHECK(has(mail.html, "<a href=\"" + escaped + "\""));
    CHECK_FALSE(has(mail.html, "{{#link}}"));
}

TEST_CASE("the link is only for e-mail verification", "[delivery][templates]") {
    const templates t({.app_url = "https://auth.example.com"});
    CHECK_FALSE(has(t.render(sign_in_mail()).text, "verify-email"));
    CHECK_FALSE(has(t.render(sign_in_mail()).html, "verify-email"));
}

TEST_CASE("every value in the HTML part is escaped, the text part keeps it as it is", "[delivery][templates]") {
    auto m = sign_in_mail();
    m.recipient_name = "Tom O'Neil";
    const auto mail = templates({.app_name = "<b>A&B \"C\"</b>"}).render(m);
    CHECK(has(mail.html, "Hello Tom O&#39;Neil,"));
    CHECK(has(mail.html, "Your &lt;b&gt;A&amp;B &quot;C&quot;&lt;/b&gt; sign-in code is 654321."));
    CHECK_FALSE(has(mail.html, "<b>A&B"));
    CHECK(has(mail.text, "Hello Tom O'Neil,"));
    CHECK(has(mail.text, "Your <b>A&B \"C\"</b> sign-in code is 654321."));
}

TEST_CASE("a value is put in once and never read again for variables", "[delivery][templates]") {
    auto m = sign_in_mail();
    const auto mail = templates({.app_name = "{{code}}"}).render(m);
    CHECK(has(mail.text, "Your {{code}} sign-in code is 654321."));
}

TEST_CASE("a name that could carry a message of its own is left out of the greeting", "[delivery][templates]") {
    const templates t({});
    const auto greeting = [&](const std::string& name) {
        auto m = sign_in_mail();
        m.recipient_name = name;
        const auto mail = t.render(m);
        CHECK(mail.text.find("Your authd sign-in code is 654321.") != std::string::npos);
        return mail.text.substr(0, mail.text.find('\n'));
    };
    CHECK(greeting("Cleo") == "Hello Cleo,");
    CHECK(greeting("Dr. José María O'Neil-Smith Jr.") == "Hello Dr. José María O'Neil-Smith Jr.,");
    // Someone registering a victim's address picks the name the victim will read: no link, domain, number,
    // markup, variable, line break or essay gets through.
    for (const std::string& hostile : std::vector<std::string>{
             "visit https://evil.example", "evil.example", "call +212600000000", "<b>Tom</b>", "{{code}}",
             "Tom\nYour account is locked", "Tom: reply with your password", std::string(51, 'a')})
        CHECK(greeting(hostile) == "Hello,");
}

TEST_CASE("a file of TEMPLATES_DIR replaces its part only, unknown variables stay", "[delivery][templates]") {
    const temp_dir dir;
    dir.write("otp_code.sms.txt", "{{app_name}}: {{code}} {{unknown}} {{code");
    dir.write("otp_code.email.subject", "Code {{code}} for {{name}}\n");
    const templates t({.dir = dir.path.string()});

    CHECK(t.render(otp_sms()).text == "authd: 123456 {{unknown}} {{code");
    auto m = otp_sms();
    m.channel = channel::email;
    m.recipient_name = "Amina";
    const auto mail = t.render(m);
    CHECK(mail.subject == "Code 123456 for Amina");  // the editor's final line break is gone
    CHECK(has(mail.text, "Your authd code is 123456. It expires in 5 minutes."));
    CHECK(has(mail.html, "<!DOCTYPE html>"));
    // Other kinds keep their defaults.
    CHECK(has(t.render(sign_in_mail()).text, "Your authd sign-in code is 654321."));
}

TEST_CASE("an override may use the {{#link}} line", "[delivery][templates]") {
    const temp_dir dir;
    dir.write("email_verification.email.txt", "Token {{code}}\n{{#link}}Link: {{link}}\nBye\n");
    auto m = verification_mail();
    m.secret = "abc";
    m.account_id = "42";
    CHECK(templates({.dir = dir.path.string()}).render(m).text == "Token abc\nBye\n");
    CHECK(templates({.app_url = "https://a.example", .dir = dir.path.string()}).render(m).text ==
          "Token abc\nLink: https://a.example/verify-email?id=42&token=abc\nBye\n");
}

TEST_CASE("an override larger than 64 KiB fails at construction", "[delivery][templates]") {
    const temp_dir dir;
    dir.write("sign_in_code.email.html", std::string(64 * 1024, 'x'));
    CHECK_NOTHROW(templates({.dir = dir.path.string()}));
    dir.write("sign_in_code.email.html", std::string(64 * 1024 + 1, 'x'));
    try {
        templates({.dir = dir.path.string()});
        FAIL("no exception");
    } catch (const std::runtime_error& e) {
        CHECK(has(e.what(), "sign_in_code.email.html"));
    }
}

TEST_CASE("a TEMPLATES_DIR that is not a folder, or a subject of two lines, fails at construction",
          "[delivery][templates]") {
    const temp_dir dir;
    CHECK_THROWS_AS(templates({.dir = (dir.path / "missing").string()}), std::runtime_error);
    dir.write("otp_code.email.subject", "two\nlines\n");
    CHECK_THROWS_AS(templates({.dir = dir.path.string()}), std::runtime_error);
}
