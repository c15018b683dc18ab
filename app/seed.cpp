#include "app/seed.hpp"

#include <chrono>
#include <map>
#include <set>
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
    std::size_t created = 0;
    for (const auto& a : agents) {
        auto r = ctx.agents.register_agent(a);
        if (r) ++created;
        else if (r.error().code != errc::phone_taken && r.error().code != errc::email_taken)
            throw std::runtime_error("cannot create agent " + a.email + ": " + r.error().detail);
    }
    out << "agents: " << created << " created, " << agents.size() - created << " already there "
        << "(+212612345678, +212661234567, +212700112233, +33612345678, +33798765432)\n"
        << "  log in as one: POST /api/v1/auth/request-otp {\"phone_number\":\"+212612345678\"}, then\n"
        << "  POST /api/v1/auth/verify-otp {\"phone_number\":\"+212612345678\",\"code\":\"<the code printed as "
           "[sms]>\"}\n";
}

struct sample_supplier {
    std::string name, email, phone, address;
    std::vector<contact_fields> contacts;
};

struct sample_product {
    std::string sku, name, price, currency, supplier;  ///< supplier: a sample supplier's name, or empty
    bool best_seller;
    std::string description;
};

/// Suppliers with contacts and products, some best sellers. A supplier whose name exists, or a product whose SKU
/// exists, is left alone.
void seed_catalog(const seed_context& ctx, std::ostream& out) {
    const std::vector<sample_supplier> suppliers{
        {"Atlas Office Supply",
         "orders@atlas-office.example",
         "+212 522 000 111",
         "12 Rue Ibn Batouta, Casablanca",
         {{"Nadia Tazi", "nadia.tazi@atlas-office.example", "+212 661 000 111", "Account manager"},
          {"Omar Fassi", "omar.fassi@atlas-office.example", std::nullopt, "Logistics"}}},
        {"Lumière Électronique",
         "contact@lumiere.example",
         "+33 1 23 45 67 89",
         "8 rue de la Paix, 75002 Paris",
         {{"Claire Dubois", "claire.dubois@lumiere.example", "+33 6 12 34 56 78", "Sales"}}},
        {"Northwind Traders",
         "sales@northwind.example",
         "+1 206 555 0100",
         "4110 Old Redmond Rd, Redmond, WA",
         {{"Andrew Fuller", "andrew.fuller@northwind.example", std::nullopt, "Vice President, Sales"},
          {"Janet Leverling", "janet.leverling@northwind.example", std::nullopt, "Sales Representative"}}},
    };
    const std::vector<sample_product> products{
        {"ATL-PEN-050", "Ballpoint pens, box of 50", "12.50", "USD", "Atlas Office Supply", true, "Blue, medium."},
        {"ATL-PAP-500", "A4 copy paper, 500 sheets", "4.99", "USD", "Atlas Office Supply", true, "80 g/m², white."},
        {"ATL-STP-010", "Heavy-duty stapler", "19.99", "USD", "Atlas Office Supply", false, "Up to 100 sheets."},
        {"LUM-LED-060", "LED desk lamp", "34.90", "EUR", "Lumière Électronique", true, "Dimmable, 6 W."},
        {"LUM-CBL-002", "USB-C cable, 2 m", "9.90", "EUR", "Lumière Électronique", false, ""},
        {"NWT-CHA-020", "Chai tea, 20 bags", "18.00", "USD", "Northwind Traders", true, ""},
        {"NWT-COF-250", "Ground coffee, 250 g", "7.25", "USD", "Northwind Traders", false, "Medium roast."},
        {"GEN-MUG-001", "Plain white mug", "3.00", "USD", "", false, ""},
    };

    std::map<std::string, std::int64_t> supplier_ids;
    for (const auto& s : ctx.catalog.list_suppliers()) supplier_ids.emplace(s.name, s.id);
    std::size_t suppliers_created = 0;
    for (const auto& s : suppliers) {
        if (supplier_ids.count(s.name)) continue;
        supplier_fields f;
        f.name = s.name;
        f.email.emplace(s.email);
        f.phone.emplace(s.phone);
        f.address.emplace(s.address);
        f.contacts = s.contacts;
        auto created = ctx.catalog.create_supplier(f);
        if (!created) throw std::runtime_error("cannot create supplier " + s.name + ": " + created.error().detail);
        supplier_ids[s.name] = created->item.id;
        ++suppliers_created;
    }
    std::size_t products_created = 0;
    for (const auto& p : products) {
        product_fields f;
        f.sku = p.sku;
        f.name = p.name;
        f.price = p.price;
        f.currency = p.currency;
        f.best_seller = p.best_seller;
        if (!p.description.empty()) f.description.emplace(p.description);
        if (!p.supplier.empty()) f.supplier_id.emplace(supplier_ids.at(p.supplier));
        auto created = ctx.catalog.create_product(f);
        if (created) ++products_created;
        else if (created.error().code != errc::sku_taken)
            throw std::runtime_error("cannot create product " + p.sku + ": " + created.error().detail);
    }
    out << "catalog: " << suppliers_created << " suppliers and " << products_created << " products created, "
        << suppliers.size() - suppliers_created << " and " << products.size() - products_created << " already there\n";
}
}  // namespace

/// One sample event in each status, dated from the day of seeding. An event whose name exists is left alone.
void seed_events(const seed_context& ctx, std::ostream& out) {
    using std::chrono::days;
    struct sample_event {
        std::string name, venue, status;  ///< status: where the event ends up, through the state machine
        days sale_starts, happens;        ///< from now
        std::int64_t seats;
    };
    const std::vector<sample_event> samples{
        {"Atlas Jazz Night", "Theatre Mohammed V, Rabat", "UPCOMING", days{10}, days{60}, 800},
        {"Casablanca Derby", "Stade Mohammed V, Casablanca", "ON_SALE", days{-1}, days{30}, 45000},
        {"Marrakech Film Gala", "Palais des Congres, Marrakech", "SOLD_OUT", days{-5}, days{20}, 1200},
        {"Tangier Tech Summit", "Tangier Exhibition Centre", "CANCELLED", days{5}, days{90}, 3000},
    };
    std::set<std::string> existing;
    for (int page = 0;; ++page) {
        event_query q;
        q.page = page;
        q.size = 100;
        auto listed = ctx.events.list(q);
        if (!listed) throw std::runtime_error("cannot list events: " + listed.error().detail);
        for (const auto& e : listed->events) existing.insert(e.name);
        if (page + 1 >= listed->total_pages) break;
    }
    std::size_t created = 0;
    const auto now = ctx.clk.now();
    for (const auto& s : samples) {
        if (existing.count(s.name)) continue;
        event_fields f;
        f.name = s.name;
        f.venue_name = s.venue;
        f.total_seats = s.seats;
        f.event_date = now + s.happens;
        f.sale_start_time = now + s.sale_starts;
        f.status = s.status == "UPCOMING" || s.status == "CANCELLED" ? "UPCOMING" : "ON_SALE";
        auto e = ctx.events.create(f);
        if (e && *f.status != s.status) e = ctx.events.change_status(e->id, s.status);
        if (!e) throw std::runtime_error("cannot create event " + s.name + ": " + e.error().detail);
        ++created;
    }
    out << "events: " << created << " created, " << samples.size() - created << " already there\n";
}

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
    seed_catalog(ctx, out);
    seed_events(ctx, out);
    if (auto pw = ensure_user(ctx, "staff@example.com", "Staff Member", {"staff"}, random_token(ctx.rng, 12)))
        out << "created staff@example.com with password " << *pw << "\n";
    else out << "staff@example.com exists; left unchanged\n";
}

}  // namespace authd::app
