// The catalog over SOCI: products, their price history, suppliers and their contacts.
#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One products row (SOCI has no std::int64_t, which is long here: long long it is).
struct product_row : row_of<product, "products", "id", true> {
    long long id = 0, price_cents = 0;
    std::string name, sku, currency;
    nullable_text description;
    nullable<long long> supplier_id;
    int best_seller = 0, is_active = 1;
    std::tm created_at{}, updated_at{};

    product_row() = default;
    explicit product_row(const product& p)
        : id(p.id),
          price_cents(p.price_cents),
          name(p.name),
          sku(p.sku),
          currency(p.currency),
          description(p.description),
          supplier_id(p.supplier_id ? std::optional<long long>(*p.supplier_id) : std::nullopt),
          best_seller(p.best_seller),
          is_active(p.is_active),
          created_at(to_tm(p.created_at)),
          updated_at(to_tm(p.updated_at)) {}

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("name", name);
        each("sku", sku);
        each("description", description.value, description.ind);
        each("price_cents", price_cents);
        each("currency", currency);
        each("supplier_id", supplier_id.value, supplier_id.ind);
        each("best_seller", best_seller);
        each("is_active", is_active);
        each("created_at", created_at);
        each("updated_at", updated_at);
    }

    product to_entity() const {
        product p;
        p.id = id;
        p.name = name;
        p.sku = sku;
        p.description = description.get();
        p.price_cents = price_cents;
        p.currency = currency;
        if (const auto owner = supplier_id.get()) p.supplier_id = *owner;
        p.best_seller = best_seller != 0;
        p.is_active = is_active != 0;
        p.created_at = from_tm(created_at);
        p.updated_at = from_tm(updated_at);
        return p;
    }
};

/// The WHERE clause of a product filter and the values it binds, which must outlive the statement.
struct filter_binding {
    const product_filter& filter;
    int best_seller, active;
    long long supplier_id;
    std::string where;

    explicit filter_binding(const product_filter& f)
        : filter(f),
          best_seller(f.best_seller.value_or(false)),
          active(f.active.value_or(false)),
          supplier_id(f.supplier_id.value_or(0)) {
        std::string conditions;
        const auto add = [&](const char* c) {
            conditions += (conditions.empty() ? " WHERE " : " AND ") + std::string(c);
        };
        if (f.best_seller) add("best_seller = :best_seller");
        if (f.active) add("is_active = :active");
        if (f.supplier_id) add("supplier_id = :supplier_id");
        where = conditions;
    }
    void bind(soci::statement& st) {
        if (filter.best_seller) st.exchange(soci::use(best_seller));
        if (filter.active) st.exchange(soci::use(active));
        if (filter.supplier_id) st.exchange(soci::use(supplier_id));
    }
};

/// One suppliers row.
struct supplier_row : row_of<supplier, "suppliers", "id", true> {
    long long id = 0;
    std::string name;
    nullable_text email, phone, address;
    std::tm created_at{}, updated_at{};

    supplier_row() = default;
    explicit supplier_row(const supplier& s)
        : id(s.id),
          name(s.name),
          email(s.email),
          phone(s.phone),
          address(s.address),
          created_at(to_tm(s.created_at)),
          updated_at(to_tm(s.updated_at)) {}

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("name", name);
        each("email", email.value, email.ind);
        each("phone", phone.value, phone.ind);
        each("address", address.value, address.ind);
        each("created_at", created_at);
        each("updated_at", updated_at);
    }

    supplier to_entity() const {
        return supplier{id, name, email.get(), phone.get(), address.get(), from_tm(created_at), from_tm(updated_at)};
    }
};

/// One supplier_contacts row.
struct contact_row : row_of<supplier_contact, "supplier_contacts", "id", true> {
    long long id = 0, supplier_id = 0;
    std::string name;
    nullable_text email, phone, role;

    contact_row() = default;
    explicit contact_row(const supplier_contact& c)
        : id(c.id), supplier_id(c.supplier_id), name(c.name), email(c.email), phone(c.phone), role(c.role) {}

    template <class Each>
    void each_column(Each each) {
        each("id", id);
        each("supplier_id", supplier_id);
        each("name", name);
        each("email", email.value, email.ind);
        each("phone", phone.value, phone.ind);
        each("role", role.value, role.ind);
    }

    supplier_contact to_entity() const {
        return supplier_contact{id, supplier_id, name, email.get(), phone.get(), role.get()};
    }
};
}  // namespace

// --- products -------------------------------------------------------------------------------------------------

std::optional<std::int64_t> soci_catalog::insert_product(const product& p) {
    if (!dialect_.unless_duplicate(sql_, [&] { insert_row<product_row>(sql_, p); })) return std::nullopt;
    return dialect_.last_insert_id(sql_);
}

std::optional<product> soci_catalog::find_product(std::int64_t id_value) {
    long long id = id_value;
    return select_one<product_row>(sql_, select_from<product_row>() + " WHERE id = :id", uses(id));
}

std::optional<product> soci_catalog::find_product_by_sku(std::string_view sku_view) {
    const std::string sku(sku_view);
    return select_one<product_row>(sql_, select_from<product_row>() + " WHERE sku = :sku", uses(sku));
}

std::optional<product> soci_catalog::lock_product(std::int64_t id_value) {
    long long id = id_value;
    return select_one<product_row>(sql_, select_from<product_row>() + " WHERE id = :id" + dialect_.for_update(),
                                   uses(id));
}

bool soci_catalog::update_product(const product& p) {
    return dialect_.unless_duplicate(sql_, [&] { update_row<product_row>(sql_, p); });
}

std::vector<product> soci_catalog::list_products(const product_filter& f, std::int64_t offset, int limit) {
    filter_binding b(f);
    // Literals, not placeholders: MySQL's client-side binding would quote them, and both are plain integers.
    return select_all<product_row>(sql_,
                                   select_from<product_row>() + b.where + " ORDER BY id LIMIT " +
                                       std::to_string(limit) + " OFFSET " + std::to_string(offset),
                                   [&](soci::statement& st) { b.bind(st); });
}

std::int64_t soci_catalog::count_products(const product_filter& f) {
    filter_binding b(f);
    return count_rows(sql_, "SELECT COUNT(*) FROM products" + b.where, [&](soci::statement& st) { b.bind(st); });
}

// --- price history --------------------------------------------------------------------------------------------

void soci_catalog::add_price(std::int64_t product_id, const price_record& r) {
    long long id = product_id, cents = r.price_cents;
    std::tm at = to_tm(r.recorded_at);
    sql_ << "INSERT INTO price_history (product_id, price_cents, currency, recorded_at) "
            "VALUES (:product_id, :price_cents, :currency, :recorded_at)",
        soci::use(id), soci::use(cents), soci::use(r.currency), soci::use(at);
}

std::vector<price_record> soci_catalog::price_history(std::int64_t product_id) {
    long long id = product_id, cents = 0;
    std::string currency;
    std::tm at{};
    std::vector<price_record> out;
    // id breaks ties: two prices recorded in the same second come newest (last inserted) first.
    soci::statement st = (sql_.prepare << "SELECT price_cents, currency, recorded_at FROM price_history "
                                          "WHERE product_id = :id ORDER BY recorded_at DESC, id DESC",
                          soci::into(cents), soci::into(currency), soci::into(at), soci::use(id));
    for (bool row = st.execute(true); row; row = st.fetch()) out.push_back(price_record{cents, currency, from_tm(at)});
    return out;
}

// --- suppliers and contacts -------------------------------------------------------------------------------------

std::int64_t soci_catalog::insert_supplier(const supplier& s) {
    insert_row<supplier_row>(sql_, s);
    return dialect_.last_insert_id(sql_);
}

std::optional<supplier> soci_catalog::find_supplier(std::int64_t id_value) {
    long long id = id_value;
    return select_one<supplier_row>(sql_, select_from<supplier_row>() + " WHERE id = :id", uses(id));
}

std::optional<supplier> soci_catalog::lock_supplier(std::int64_t id_value) {
    long long id = id_value;
    return select_one<supplier_row>(sql_, select_from<supplier_row>() + " WHERE id = :id" + dialect_.for_update(),
                                    uses(id));
}

void soci_catalog::update_supplier(const supplier& s) { update_row<supplier_row>(sql_, s); }

std::vector<supplier> soci_catalog::list_suppliers() {
    return select_all<supplier_row>(sql_, select_from<supplier_row>() + " ORDER BY name, id", uses());
}

std::int64_t soci_catalog::insert_contact(const supplier_contact& c) {
    insert_row<contact_row>(sql_, c);
    return dialect_.last_insert_id(sql_);
}

std::vector<supplier_contact> soci_catalog::contacts_of(std::int64_t supplier_id) {
    long long wanted = supplier_id;
    return select_all<contact_row>(sql_, select_from<contact_row>() + " WHERE supplier_id = :id ORDER BY id",
                                   uses(wanted));
}

}  // namespace authd::storage
