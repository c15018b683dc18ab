#include "adapters/delivery/console_channel.hpp"

#include <cstdio>

namespace authd::delivery {
namespace {

/// One line of log: line breaks and other control characters become spaces, runs of them one space.
std::string flattened(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == '\x7f') {
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

}  // namespace

console_channel::console_channel(bool development, std::size_t keep) : development_(development), keep_(keep) {}

void console_channel::deliver(authd::channel c, const std::string& recipient, const rendered_message& message,
                              time_point now) {
    std::string line(c == channel::sms ? "[sms] " : "[email] ");
    if (development_) line += flattened(recipient) + ": " + flattened(message.text) + "\n";
    else line += "(recipient withheld): (text withheld outside development mode)\n";
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    if (!development_ || keep_ == 0) return;
    recent_.push_front({c, recipient, message.subject, message.text, now});
    while (recent_.size() > keep_) recent_.pop_back();
}

std::vector<delivered_message> console_channel::recent() const {
    std::lock_guard lock(mutex_);
    return {recent_.begin(), recent_.end()};
}

}  // namespace authd::delivery
