#include "app/admin_cli.hpp"

#include <termios.h>
#include <unistd.h>

#include <istream>
#include <ostream>
#include <string>

#include "core/common/random_values.hpp"

namespace authd::app {
namespace {
/// The first line of `in`; on a terminal, asked for and read without echo.
std::string read_password(std::istream& in, bool terminal, std::ostream& err) {
    std::string line;
    if (!terminal) {
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }
    err << "Password: " << std::flush;
    termios before{};
    const bool quiet = tcgetattr(STDIN_FILENO, &before) == 0;
    if (quiet) {
        termios silent = before;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    std::getline(in, line);
    if (quiet) tcsetattr(STDIN_FILENO, TCSANOW, &before);
    err << "\n";
    return line;
}

int refused(const failure& f, std::ostream& err) {
    err << "authd: " << f.detail;
    for (const auto& field : f.fields) err << " " << field.field << " " << field.message << ";";
    err << "\n";
    return 1;
}
}  // namespace

int run_admin(operator_commands& ops, const admin_request& r, std::istream& in, bool in_is_terminal, random_source& rng,
              std::ostream& out, std::ostream& err) {
    if (r.action == "create-user") {
        std::string password = in_is_terminal ? std::string() : read_password(in, false, err);
        const bool generated = password.empty();
        if (generated) password = random_token(rng, 12);
        auto created = ops.create_user(r.email, r.role, password);
        if (!created) return refused(created.error(), err);
        out << "created " << created->email << " (" << r.role << ")";
        if (generated) out << " with password " << password;  // shown once, here
        out << "\n";
        return 0;
    }
    if (r.action == "set-password") {
        auto done = ops.set_password(r.email, read_password(in, in_is_terminal, err));
        if (!done) return refused(done.error(), err);
        out << "password set for " << r.email << "; every session of the account has ended\n";
        return 0;
    }
    auto done = r.action == "unlock" ? ops.unlock(r.email) : ops.revoke_sessions(r.email);
    if (!done) return refused(done.error(), err);
    out << (r.action == "unlock" ? "unlocked " : "every session ended for ") << r.email << "\n";
    return 0;
}

}  // namespace authd::app
