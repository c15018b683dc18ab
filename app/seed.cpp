#include "app/seed.hpp"

#include <stdexcept>

#include "core/common/random_values.hpp"

namespace authd::app {
namespace {
/// Creates a user with the given roles unless the e-mail exists. Returns the password it set, or nothing.
std::optional<std::string> ensure_user(const seed_context& ctx, const std::string& email, const std::string& name,
                                       std::vector<std::string> roles, std::string password) {
    auto created = ctx.auth.register_user({email, password, name, std::nullopt});
    if (!created) {
        // Already there: never reset a password someone may have changed.
        if (created.error().code == errc::email_taken) return std::nullopt;
        std::string why = created.error().detail;
        for (const auto& f : created.error().fields) why += " " + f.field + " " + f.message + ";";
        throw std::runtime_error("cannot create " + email + ": " + why);
    }
    ctx.store.write([&](repositories& r) {
        r.users.set_roles(created->id, roles);
        auto u = *r.users.find_by_id(created->id);
        u.email_verified = true;
        r.users.update(u);
    });
    return password;
}
void seed_agents(const seed_context& ctx, std::ostream& out) {
    const std::vector<agent_registration> agents{
        {"0612345678", "+212", "Youssef", "Alami", "youssef.alami@example.com"},
        {"0661234567", "+212", "Salma", "Bennani", "salma.bennani@example.com"},
        {"0700112233", "+212", "Karim", "El Idrissi", "karim.elidrissi@example.com"},
        {"0612345678", "+33", "Camille", "Martin", "camille.martin@example.com"},
        {"0798765432", "+33", "Hugo", "Bernard", "hugo.bernard@example.com"},
    };
    int created = 0;
    for (const auto& a : agents) {
        auto r = ctx.agents.register_agent(a);
        if (r) ++created;
        else if (r.error().code != errc::phone_taken && r.error().code != errc::email_taken)
            throw std::runtime_error("cannot create agent " + a.email + ": " + r.error().detail);
    }
    out << "agents: " << created << " created, " << agents.size() - created << " already there "
        << "(+212612345678, +212661234567, +212700112233, +33612345678, +33798765432)\n"
        << "  log in as one: POST /api/v1/auth/request-otp {\"phone_number\":\"+212612345678\"}, then\n"
        << "  POST /api/v1/auth/verify-otp {\"phone_number\":\"+212612345678\",\"code\":\"<the code printed as [sms]>\"}\n";
}
}  // namespace

void seed_data(const seed_context& ctx, std::ostream& out) {
    const bool admin_given = !ctx.cfg.seed_admin_password.empty();
    const std::string admin_password = admin_given ? ctx.cfg.seed_admin_password : random_token(ctx.rng, 12);
    if (auto pw = ensure_user(ctx, "admin@example.com", "Administrator", {"admin"}, admin_password)) {
        out << "created admin@example.com";
        // A generated password is shown once, here, and nowhere else.
        if (!admin_given) out << " with password " << *pw;
        out << "\n";
    } else {
        out << "admin@example.com exists; left unchanged\n";
    }
    seed_agents(ctx, out);
    if (auto pw = ensure_user(ctx, "staff@example.com", "Staff Member", {"staff"}, random_token(ctx.rng, 12)))
        out << "created staff@example.com with password " << *pw << "\n";
    else
        out << "staff@example.com exists; left unchanged\n";
}

}  // namespace authd::app
