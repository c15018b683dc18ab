// The console channel, the development mock: what it prints on standard output and what it keeps for
// GET /api/v1/dev/messages, in and outside development mode.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "adapters/delivery/console_channel.hpp"

using namespace authd;
using namespace authd::delivery;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Standard output (file descriptor 1) into a file of its own while it lives; text() gives it back.
class stdout_capture {
public:
    stdout_capture()
        : file_(std::filesystem::temp_directory_path() /
                ("authd-console-" + std::to_string(::getpid()) + "-" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
        std::fflush(stdout);
        saved_ = ::dup(1);
        const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (saved_ < 0 || fd < 0) throw std::runtime_error("cannot capture standard output");
        ::dup2(fd, 1);
        ::close(fd);
    }
    ~stdout_capture() {
        restore();
        std::error_code ec;
        std::filesystem::remove(file_, ec);
    }
    stdout_capture(const stdout_capture&) = delete;
    stdout_capture& operator=(const stdout_capture&) = delete;

    std::string text() {
        restore();
        std::ifstream in(file_, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

private:
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stdout);
        ::dup2(saved_, 1);
        ::close(saved_);
        saved_ = -1;
    }
    std::filesystem::path file_;
    int saved_ = -1;
};

const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 2}};

rendered_message sms(const std::string& text) { return {.subject = {}, .text = text, .html = {}}; }

rendered_message mail(const std::string& subject, const std::string& text) {
    return {.subject = subject, .text = text, .html = "<p>" + text + "</p>"};
}

}  // namespace

TEST_CASE("outside development the console prints neither the recipient nor the text, and keeps nothing",
          "[delivery][console]") {
    console_channel console(false);
    stdout_capture capture;
    console.deliver(channel::sms, "+212612345678", sms("Your authd code is 123456. It expires in 5 minutes."), t0);
    console.deliver(channel::email, "cleo@example.com", mail("Your authd sign-in code", "Hello Cleo,\n\ncode 654321"),
                    t0);
    const std::string out = capture.text();
    CHECK(out ==
          "[sms] (recipient withheld): (text withheld outside development mode)\n"
          "[email] (recipient withheld): (text withheld outside development mode)\n");
    CHECK_FALSE(has(out, "212612345678"));
    CHECK_FALSE(has(out, "cleo"));
    CHECK_FALSE(has(out, "123456"));
    CHECK_FALSE(has(out, "654321"));
    CHECK(console.recent().empty());
}

TEST_CASE("in development the console prints each message on one line", "[delivery][console]") {
    console_channel console(true);
    stdout_capture capture;
    console.deliver(channel::sms, "+212612345678", sms("Your authd code is 123456. It expires in 5 minutes."), t0);
    console.deliver(channel::email, "cleo@example.com", mail("Subject", "Hello Cleo,\n\nYour code is 654321.\n"), t0);
    CHECK(capture.text() ==
          "[sms] +212612345678: Your authd code is 123456. It expires in 5 minutes.\n"
          "[email] cleo@example.com: Hello Cleo, Your code is 654321.\n");
}

TEST_CASE("in development the console keeps the last messages, newest first", "[delivery][console]") {
    console_channel console(true, 2);
    {
        stdout_capture capture;
        console.deliver(channel::sms, "+212600000001", sms("first"), t0);
        console.deliver(channel::email, "b@example.com", mail("second subject", "second"), t0 + seconds{1});
        console.deliver(channel::sms, "+212600000003", sms("third"), t0 + seconds{2});
    }
    const auto kept = console.recent();
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].recipient == "+212600000003");
    CHECK(kept[0].body == "third");
    CHECK(kept[0].channel == channel::sms);
    CHECK(kept[0].sent_at == t0 + seconds{2});
    CHECK(kept[1].recipient == "b@example.com");
    CHECK(kept[1].channel == channel::email);
    CHECK(kept[1].subject == "second subject");
    CHECK(kept[1].body == "second");
}
