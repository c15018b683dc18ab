#include "adapters/notify/console_notifier.hpp"

#include <cstdio>

namespace authd::notify {

console_notifier::console_notifier(bool development, std::size_t keep) : development_(development), keep_(keep) {}

void console_notifier::send(const outgoing_message& m) {
    const std::string text = development_ ? m.body : std::string("(text withheld outside development mode)");
    const std::string line =
        std::string(m.channel == channel::sms ? "[sms] " : "[email] ") + m.recipient + ": " + text + "\n";
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    if (!development_) return;
    recent_.push_front(m);
    if (recent_.size() > keep_) recent_.pop_back();
}

std::vector<outgoing_message> console_notifier::recent() const {
    std::lock_guard lock(mutex_);
    return {recent_.begin(), recent_.end()};
}

}  // namespace authd::notify
