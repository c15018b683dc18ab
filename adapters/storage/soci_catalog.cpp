// The catalog over SOCI: products, their price history, suppliers and their contacts.
#include <functional>

#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
const std::string product_columns =
    "id, name, sku, description, price_cents, currency, supplier_id, best_seller, is_active, created_at, updated_at";
const std::string supplier_columns = "id, name, email, phone, address, created_at, updated_at";
const std::string contact_columns = "id, supplier_id, name, email, phone, role";


/// Runs a SELECT whose uses `bind` attaches, calling `row` after each fetched row.
void select_rows(soci::session& sql, const std::string& query, const std::function<void(soci::statement&)>& bind_intos,
                 const std::function<void(soci::statement&)>& bind_uses, const std::function<void()>& row) {
    soci::statement st(sql);
    st.alloc();
    bind_intos(st);
    bind_uses(st);
    st.prepare(query);
    st.define_and_bind();
    if (st.execute(true)) do
            row();
        while (st.fetch());
}

/// One products row as SOCI binds it (SOCI has no std::int64_t, which is long here: long long it is).
struct product_row {
    long long id = 0, price_cents = 0, supplier_id = 0;
    std::string name, sku, currency;
    nullable_text description;
    soci::indicator supplier_ind = soci::i_null;
    int best_seller = 0, is_active = 1;
    std::tm created_at{}, updated_at{};

    product_row() = default;
    explicit product_row(const product& p)
        : id(p.id),
          price_cents(p.price_cents),
          supplier_id(p.supplier_id.value_or(0)),
          name(p.name),
          sku(p.sku),
          currency(p.currency),
          description(p.description),
          supplier_ind(p.supplier_id ? soci::i_ok : soci::i_null),
          best_seller(p.best_seller),
          is_active(p.is_active),
          created_at(to_tm(p.created_at)),
          updated_at(to_tm(p.updated_at)) {}

    void bind_into(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(name));
        st.exchange(soci::into(sku));
        st.exchange(soci::into(description.value, description.ind));
        st.exchange(soci::into(price_cents));
        st.exchange(soci::into(currency));
        st.exchange(soci::into(supplier_id, supplier_ind));
        st.exchange(soci::into(best_seller));
        st.exchange(soci::into(is_active));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }

    product to_product() const {
        product p;
        p.id = id;
        p.name = name;
        p.sku = sku;
        p.description = description.get();
        p.price_cents = price_cents;
        p.currency = currency;
        if (supplier_ind == soci::i_ok) p.supplier_id = supplier_id;
        p.best_seller = best_seller != 0;
        p.is_active = is_active != 0;
        p.created_at = from_tm(created_at);
        p.updated_at = from_tm(updated_at);
        return p;
    }
};

std::vector<product> select_products(soci::session& sql, const std::string& tail,
                                     const std::function<void(soci::statement&)>& bind_uses) {
    product_row r;
    std::vector<product> out;
    select_rows(
        sql, "SELECT " + product_columns + " FROM products" + tail, [&](soci::statement& st) { r.bind_into(st); },
        bind_uses, [&] { out.push_back(r.to_product()); });
    return out;
}

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

struct supplier_row {
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

    void bind_into(soci::statement& st) {
        st.exchange(soci::into(id));
        st.exchange(soci::into(name));
        st.exchange(soci::into(email.value, email.ind));
        st.exchange(soci::into(phone.value, phone.ind));
        st.exchange(soci::into(address.value, address.ind));
        st.exchange(soci::into(created_at));
        st.exchange(soci::into(updated_at));
    }

    supplier to_supplier() const {
        return supplier{id, name, email.get(), phone.get(), address.get(), from_tm(created_at), from_tm(updated_at)};
    }
};

std::vector<supplier> select_suppliers(soci::session& sql, const std::string& tail, std::optional<long long> id) {
    supplier_row r;
    std::vector<supplier> out;
    select_rows(
        sql, "SELECT " + supplier_columns + " FROM suppliers" + tail, [&](soci::statement& st) { r.bind_into(st); },
        [&](soci::statement& st) {
            if (id) st.exchange(soci::use(*id));
        },
        [&] { out.push_back(r.to_supplier()); });
    return out;
}

template <class T>
std::optional<T> first_of(std::vector<T> rows) {
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}
}  // namespace

// --- products -------------------------------------------------------------------------------------------------

std::optional<std::int64_t> soci_catalog::insert_product(const product& p) {
    product_row r(p);
    try {
        sql_ << "INSERT INTO products (name, sku, description, price_cents, currency, supplier_id, best_seller, "
                "is_active, created_at, updated_at) VALUES (:name, :sku, :description, :price_cents, :currency, "
                ":supplier_id, :best_seller, :is_active, :created_at, :updated_at)",
            soci::use(r.name), soci::use(r.sku), soci::use(r.description.value, r.description.ind),
            soci::use(r.price_cents), soci::use(r.currency), soci::use(r.supplier_id, r.supplier_ind),
            soci::use(r.best_seller), soci::use(r.is_active), soci::use(r.created_at), soci::use(r.updated_at);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return std::nullopt;
        throw;
    }
    return last_insert_id(sql_, dialect_);
}

std::optional<product> soci_catalog::find_product(std::int64_t id_value) {
    long long id = id_value;
    return first_of(select_products(sql_, " WHERE id = :id", [&](soci::statement& st) { st.exchange(soci::use(id)); }));
}

std::optional<product> soci_catalog::find_product_by_sku(std::string_view sku_view) {
    const std::string sku(sku_view);
    return first_of(
        select_products(sql_, " WHERE sku = :sku", [&](soci::statement& st) { st.exchange(soci::use(sku)); }));
}

std::optional<product> soci_catalog::lock_product(std::int64_t id_value) {
    long long id = id_value;
    return first_of(select_products(sql_, std::string(" WHERE id = :id") + for_update(dialect_),
                                    [&](soci::statement& st) { st.exchange(soci::use(id)); }));
}

bool soci_catalog::update_product(const product& p) {
    product_row r(p);
    try {
        sql_ << "UPDATE products SET name = :name, sku = :sku, description = :description, price_cents = :price_cents, "
                "currency = :currency, supplier_id = :supplier_id, best_seller = :best_seller, is_active = :is_active, "
                "updated_at = :updated_at WHERE id = :id",
            soci::use(r.name), soci::use(r.sku), soci::use(r.description.value, r.description.ind),
            soci::use(r.price_cents), soci::use(r.currency), soci::use(r.supplier_id, r.supplier_ind),
            soci::use(r.best_seller), soci::use(r.is_active), soci::use(r.updated_at), soci::use(r.id);
    } catch (const soci::soci_error& e) {
        if (is_unique_violation(e)) return false;
        throw;
    }
    return true;
}

std::vector<product> soci_catalog::list_products(const product_filter& f, std::int64_t offset, int limit) {
    filter_binding b(f);
    // Literals, not placeholders: MySQL's client-side binding would quote them, and both are plain integers.
    return select_products(
        sql_, b.where + " ORDER BY id LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset),
        [&](soci::statement& st) { b.bind(st); });
}

std::int64_t soci_catalog::count_products(const product_filter& f) {
    filter_binding b(f);
    long long n = 0;
    select_rows(
        sql_, "SELECT COUNT(*) FROM products" + b.where, [&](soci::statement& st) { st.exchange(soci::into(n)); },
        [&](soci::statement& st) { b.bind(st); }, [] {});
    return n;
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
    select_rows(
        sql_,
        "SELECT price_cents, currency, recorded_at FROM price_history WHERE product_id = :id "
        "ORDER BY recorded_at DESC, id DESC",
        [&](soci::statement& st) {
            st.exchange(soci::into(cents));
            st.exchange(soci::into(currency));
            st.exchange(soci::into(at));
        },
        [&](soci::statement& st) { st.exchange(soci::use(id)); },
        [&] {
            out.push_back(price_record{cents, currency, from_tm(at)});
        });
    return out;
}

// --- suppliers and contacts -------------------------------------------------------------------------------------

std::int64_t soci_catalog::insert_supplier(const supplier& s) {
    supplier_row r(s);
    sql_ << "INSERT INTO suppliers (name, email, phone, address, created_at, updated_at) "
            "VALUES (:name, :email, :phone, :address, :created_at, :updated_at)",
        soci::use(r.name), soci::use(r.email.value, r.email.ind), soci::use(r.phone.value, r.phone.ind),
        soci::use(r.address.value, r.address.ind), soci::use(r.created_at), soci::use(r.updated_at);
    return last_insert_id(sql_, dialect_);
}

std::optional<supplier> soci_catalog::find_supplier(std::int64_t id) {
    return first_of(select_suppliers(sql_, " WHERE id = :id", id));
}

std::optional<supplier> soci_catalog::lock_supplier(std::int64_t id) {
    return first_of(select_suppliers(sql_, std::string(" WHERE id = :id") + for_update(dialect_), id));
}

void soci_catalog::update_supplier(const supplier& s) {
    supplier_row r(s);
    sql_ << "UPDATE suppliers SET name = :name, email = :email, phone = :phone, address = :address, "
            "updated_at = :updated_at WHERE id = :id",
        soci::use(r.name), soci::use(r.email.value, r.email.ind), soci::use(r.phone.value, r.phone.ind),
        soci::use(r.address.value, r.address.ind), soci::use(r.updated_at), soci::use(r.id);
}

std::vector<supplier> soci_catalog::list_suppliers() {
    return select_suppliers(sql_, " ORDER BY name, id", std::nullopt);
}

std::int64_t soci_catalog::insert_contact(const supplier_contact& c) {
    long long supplier_id = c.supplier_id;
    nullable_text email(c.email), phone(c.phone), role(c.role);
    sql_ << "INSERT INTO supplier_contacts (supplier_id, name, email, phone, role) "
            "VALUES (:supplier_id, :name, :email, :phone, :role)",
        soci::use(supplier_id), soci::use(c.name), soci::use(email.value, email.ind), soci::use(phone.value, phone.ind),
        soci::use(role.value, role.ind);
    return last_insert_id(sql_, dialect_);
}

std::vector<supplier_contact> soci_catalog::contacts_of(std::int64_t supplier_id) {
    long long id = 0, owner = 0, wanted = supplier_id;
    std::string name;
    nullable_text email, phone, role;
    std::vector<supplier_contact> out;
    select_rows(
        sql_, "SELECT " + contact_columns + " FROM supplier_contacts WHERE supplier_id = :id ORDER BY id",
        [&](soci::statement& st) {
            st.exchange(soci::into(id));
            st.exchange(soci::into(owner));
            st.exchange(soci::into(name));
            st.exchange(soci::into(email.value, email.ind));
            st.exchange(soci::into(phone.value, phone.ind));
            st.exchange(soci::into(role.value, role.ind));
        },
        [&](soci::statement& st) { st.exchange(soci::use(wanted)); },
        [&] {
            out.push_back(supplier_contact{id, owner, name, email.get(), phone.get(), role.get()});
        });
    return out;
}

}  // namespace authd::storage
