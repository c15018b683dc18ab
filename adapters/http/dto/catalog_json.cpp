#include "adapters/http/dto/catalog_json.hpp"

#include "core/catalog/money.hpp"

namespace authd::http {
namespace {
void write_optional_id(json::writer& w, std::string_view key, const std::optional<std::int64_t>& id) {
    w.key(key);
    if (id) w.value(*id);
    else w.null();
}
}  // namespace

void write_supplier_members(json::writer& w, const supplier& s) {
    w.field("id", s.id)
        .field("name", s.name)
        .field("email", s.email)
        .field("phone", s.phone)
        .field("address", s.address)
        .field("created_at", to_rfc3339(s.created_at))
        .field("updated_at", to_rfc3339(s.updated_at));
}

void write_supplier(json::writer& w, const supplier& s) {
    w.begin_object();
    write_supplier_members(w, s);
    w.end_object();
}

void write_contact(json::writer& w, const supplier_contact& c) {
    w.begin_object()
        .field("id", c.id)
        .field("supplier_id", c.supplier_id)
        .field("name", c.name)
        .field("email", c.email)
        .field("phone", c.phone)
        .field("role", c.role)
        .end_object();
}

void write_contacts(json::writer& w, const std::vector<supplier_contact>& contacts) {
    w.begin_array();
    for (const auto& c : contacts) write_contact(w, c);
    w.end_array();
}

void write_product(json::writer& w, const product& p, const std::optional<supplier>* supplied_by) {
    w.begin_object()
        .field("id", p.id)
        .field("name", p.name)
        .field("sku", p.sku)
        .field("description", p.description)
        .key("price")
        .raw(format_cents(p.price_cents))  // a JSON number with exactly 2 decimals, never a rounded double
        .field("currency", p.currency);
    write_optional_id(w, "supplier_id", p.supplier_id);
    w.field("best_seller", p.best_seller)
        .field("is_active", p.is_active)
        .field("created_at", to_rfc3339(p.created_at))
        .field("updated_at", to_rfc3339(p.updated_at));
    if (supplied_by) {
        w.key("supplier");
        if (*supplied_by) write_supplier(w, **supplied_by);
        else w.null();
    }
    w.end_object();
}

}  // namespace authd::http
