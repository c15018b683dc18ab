#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/catalog/product.hpp"
#include "core/catalog/supplier.hpp"
#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/ports/catalog_repository.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

/// A page of products as a client asked for it; the service checks `page` (from 0) and `size` (1–100).
struct product_query {
    product_filter filter;
    std::int64_t page = 0;
    std::int64_t size = 20;
};

struct product_page {
    std::vector<product> products;
    std::int64_t number = 0;
    std::int64_t size = 0;
    std::int64_t total_elements = 0;
    std::int64_t total_pages = 0;
};

/// A product with its supplier (nothing when it has none).
struct product_detail {
    product item;
    std::optional<supplier> supplied_by;
};

struct supplier_detail {
    supplier item;
    std::vector<supplier_contact> contacts;
};

/// The catalog's rules: exact prices with a history of every change, SKUs that are unique, products that
/// name only existing suppliers, soft deletes, and suppliers created with their contacts in one transaction.
class catalog_service {
public:
    catalog_service(unit_of_work& uow, const clock& clk);

    /// Records the first price in the history. Fails with validation_failed, unknown_supplier or sku_taken.
    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<product> create_product(const product_fields& f, validator found = {});
    /// Changes the fields present; records a price only when the price (amount or currency) changed.
    result<product> update_product(std::int64_t id, const product_fields& f);
    /// A soft delete: the product stays readable, with is_active false.
    outcome delete_product(std::int64_t id);
    result<product_detail> find_product(std::int64_t id);
    result<product_page> list_products(const product_query& q);
    /// Newest first.
    result<std::vector<price_record>> price_history(std::int64_t product_id);

    /// The supplier and its contacts, all or nothing.
    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<supplier_detail> create_supplier(const supplier_fields& f, validator found = {});
    /// Changes the supplier's fields that are present (not its contacts).
    result<supplier_detail> update_supplier(std::int64_t id, const supplier_fields& f);
    result<supplier_detail> find_supplier(std::int64_t id);
    std::vector<supplier> list_suppliers();
    result<std::vector<supplier_contact>> contacts_of(std::int64_t supplier_id);

private:
    unit_of_work& uow_;
    const clock& clock_;
};

}  // namespace authd
