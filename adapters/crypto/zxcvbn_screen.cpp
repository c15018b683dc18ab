#include "adapters/crypto/zxcvbn_screen.hpp"

#include <zxcvbn.h>

#include <memory>
#include <utility>

namespace authd::crypto {
namespace {
bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// zxcvbn matches its user words whole: each detail as written, squashed ("Acme Tickets" -> "acmetickets",
/// "ana.lima" -> "analima"), and each of its words of 3 letters or more ("acme", "tickets", "ana", "lima").
std::vector<std::string> user_words(const std::vector<std::string>& details) {
    std::vector<std::string> out;
    for (const auto& d : details) {
        out.push_back(d);
        std::string squashed, word;
        for (const char c : d + ' ') {
            if (alnum(c)) {
                squashed += lower(c);
                word += lower(c);
                continue;
            }
            if (word.size() >= 3) out.push_back(word);
            word.clear();
        }
        if (squashed.size() >= 3) out.push_back(squashed);
    }
    return out;
}
}  // namespace

zxcvbn_screen::zxcvbn_screen(std::string app_name) : app_name_(std::move(app_name)) {}

std::optional<std::string> zxcvbn_screen::too_guessable(std::string_view password,
                                                        const std::vector<std::string>& personal) {
    // zxcvbn reads up to the first NUL: a password holding one is judged by what comes before it, never leniently.
    const std::string text(password);
    auto details = personal;
    details.push_back(app_name_);
    const auto known = user_words(details);
    std::vector<const char*> words;
    for (const auto& w : known) words.push_back(w.c_str());
    words.push_back(nullptr);

    ZxcMatch_t* raw = nullptr;
    const double bits = ZxcvbnMatch(text.c_str(), words.data(), &raw);
    const std::unique_ptr<ZxcMatch_t, void (*)(ZxcMatch_t*)> matches(raw, [](ZxcMatch_t* m) { ZxcvbnFreeInfo(m); });
    if (bits >= min_bits) return std::nullopt;
    for (const auto* m = matches.get(); m != nullptr; m = m->Next) {
        const int type = m->Type & ~MULTIPLE_MATCH;
        if (type == USER_MATCH || type == USER_LEET_MATCH)
            return "is too easy to guess: it is built from your e-mail address, your name or the service's name";
    }
    return "is too easy to guess: it is among the passwords people use most, or built from them (a longer or less "
           "usual one will do)";
}

}  // namespace authd::crypto
