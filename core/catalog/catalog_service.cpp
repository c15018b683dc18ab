#include "core/catalog/catalog_service.hpp"

#include "core/common/paging.hpp"

namespace authd {
namespace {
failure no_product() { return fail(errc::not_found, "No such product."); }
failure no_supplier() { return fail(errc::not_found, "No such supplier."); }
failure sku_taken() { return fail(errc::sku_taken, "Another product has this SKU."); }
failure unknown_supplier() {
    return failure{errc::unknown_supplier, "No supplier has this id.", {{"supplier_id", "no supplier has this id"}}};
}

/// The checks that need the database, for what changed: the supplier exists, the SKU is free.
std::optional<failure> check_references(repositories& repos, const product& p, const product* before) {
    const bool supplier_changed = !before || p.supplier_id != before->supplier_id;
    if (supplier_changed && p.supplier_id && !repos.catalog.find_supplier(*p.supplier_id)) return unknown_supplier();
    if (!before || p.sku != before->sku)
        if (repos.catalog.find_product_by_sku(p.sku)) return sku_taken();
    return std::nullopt;
}
}  // namespace

catalog_service::catalog_service(unit_of_work& uow, const clock& clk) : uow_(uow), clock_(clk) {}

result<product> catalog_service::create_product(const product_fields& f, validator found) {
    validator v = std::move(found);
    product p;
    apply_product_fields(f, p, v, true);
    if (!v.ok()) return v.to_failure();
    return write_tx(uow_, [&](repositories& repos) -> result<product> {
        if (auto bad = check_references(repos, p, nullptr)) return std::move(*bad);
        p.created_at = p.updated_at = clock_.now();
        // The look-up above is the fast answer; the unique index settles a race between two creations.
        const auto id = repos.catalog.insert_product(p);
        if (!id) return sku_taken();
        p.id = *id;
        repos.catalog.add_price(p.id, {p.price_cents, p.currency, p.created_at});
        return p;
    });
}

result<product> catalog_service::update_product(std::int64_t id, const product_fields& f) {
    return write_tx(uow_, [&](repositories& repos) -> result<product> {
        const auto before = repos.catalog.lock_product(id);
        if (!before) return no_product();
        validator v;
        product p = *before;
        apply_product_fields(f, p, v, false);
        if (!v.ok()) return v.to_failure();
        if (auto bad = check_references(repos, p, &*before)) return std::move(*bad);
        p.updated_at = clock_.now();
        if (!repos.catalog.update_product(p)) return sku_taken();
        // A price is an amount in a currency: 19.99 USD and 19.99 EUR are different prices.
        if (p.price_cents != before->price_cents || p.currency != before->currency)
            repos.catalog.add_price(p.id, {p.price_cents, p.currency, p.updated_at});
        return p;
    });
}

outcome catalog_service::delete_product(std::int64_t id) {
    return write_tx(uow_, [&](repositories& repos) -> outcome {
        auto p = repos.catalog.lock_product(id);
        if (!p) return no_product();
        // Soft: the row stays, so that its price history and anything that refers to it keep their product.
        if (p->is_active) {
            p->is_active = false;
            p->updated_at = clock_.now();
            repos.catalog.update_product(*p);
        }
        return success();
    });
}

result<product_detail> catalog_service::find_product(std::int64_t id) {
    return read_tx(uow_, [&](repositories& repos) -> result<product_detail> {
        auto p = repos.catalog.find_product(id);
        if (!p) return no_product();
        product_detail d{std::move(*p), std::nullopt};
        if (d.item.supplier_id) d.supplied_by = repos.catalog.find_supplier(*d.item.supplier_id);
        return d;
    });
}

result<product_page> catalog_service::list_products(const product_query& q) {
    validator v;
    check_page(q.page, q.size, v);
    if (!v.ok()) return v.to_failure();
    return read_tx(uow_, [&](repositories& repos) -> result<product_page> {
        product_page out;
        out.number = q.page;
        out.size = q.size;
        out.total_elements = repos.catalog.count_products(q.filter);
        out.total_pages = (out.total_elements + q.size - 1) / q.size;
        // Past the last page there is nothing to fetch (and page × size could overflow).
        if (q.page < out.total_pages)
            out.products = repos.catalog.list_products(q.filter, q.page * q.size, static_cast<int>(q.size));
        return out;
    });
}

result<std::vector<price_record>> catalog_service::price_history(std::int64_t product_id) {
    return read_tx(uow_, [&](repositories& repos) -> result<std::vector<price_record>> {
        if (!repos.catalog.find_product(product_id)) return no_product();
        return repos.catalog.price_history(product_id);
    });
}

result<supplier_detail> catalog_service::create_supplier(const supplier_fields& f, validator found) {
    validator v = std::move(found);
    supplier_detail d;
    apply_supplier_fields(f, d.item, v, true);
    for (std::size_t i = 0; i < f.contacts.size(); ++i)
        d.contacts.push_back(make_contact(f.contacts[i], "contacts[" + std::to_string(i) + "].", v));
    if (!v.ok()) return v.to_failure();
    return write_tx(uow_, [&](repositories& repos) -> result<supplier_detail> {
        d.item.created_at = d.item.updated_at = clock_.now();
        d.item.id = repos.catalog.insert_supplier(d.item);
        for (auto& c : d.contacts) {
            c.supplier_id = d.item.id;
            c.id = repos.catalog.insert_contact(c);
        }
        return d;
    });
}

result<supplier_detail> catalog_service::update_supplier(std::int64_t id, const supplier_fields& f) {
    return write_tx(uow_, [&](repositories& repos) -> result<supplier_detail> {
        auto s = repos.catalog.lock_supplier(id);
        if (!s) return no_supplier();
        validator v;
        apply_supplier_fields(f, *s, v, false);
        if (!v.ok()) return v.to_failure();
        s->updated_at = clock_.now();
        repos.catalog.update_supplier(*s);
        return supplier_detail{std::move(*s), repos.catalog.contacts_of(id)};
    });
}

result<supplier_detail> catalog_service::find_supplier(std::int64_t id) {
    return read_tx(uow_, [&](repositories& repos) -> result<supplier_detail> {
        auto s = repos.catalog.find_supplier(id);
        if (!s) return no_supplier();
        return supplier_detail{std::move(*s), repos.catalog.contacts_of(id)};
    });
}

std::vector<supplier> catalog_service::list_suppliers() {
    return read_tx(uow_, [&](repositories& repos) { return repos.catalog.list_suppliers(); });
}

result<std::vector<supplier_contact>> catalog_service::contacts_of(std::int64_t supplier_id) {
    return read_tx(uow_, [&](repositories& repos) -> result<std::vector<supplier_contact>> {
        if (!repos.catalog.find_supplier(supplier_id)) return no_supplier();
        return repos.catalog.contacts_of(supplier_id);
    });
}

}  // namespace authd
