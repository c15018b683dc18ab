#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/catalog/product.hpp"
#include "core/catalog/supplier.hpp"

namespace authd {

/// Which products a list shows; an absent filter does not filter.
struct product_filter {
    std::optional<bool> best_seller;
    std::optional<bool> active;
    std::optional<std::int64_t> supplier_id;
};

/// Products, their price history, suppliers and their contacts. Ids are given by the database.
class catalog_repository {
public:
    virtual ~catalog_repository() = default;

    // --- products ---
    /// Inserts the product (its `id` is ignored) and returns the id it got; nothing when the SKU is taken.
    virtual std::optional<std::int64_t> insert_product(const product& p) = 0;
    virtual std::optional<product> find_product(std::int64_t id) = 0;
    virtual std::optional<product> find_product_by_sku(std::string_view sku) = 0;
    /// Reads the product for an update in this transaction (SELECT ... FOR UPDATE where the dialect has it).
    virtual std::optional<product> lock_product(std::int64_t id) = 0;
    /// Writes every field but id and created_at; false when the SKU belongs to another product.
    virtual bool update_product(const product& p) = 0;
    /// The products that pass the filter, by id, `limit` of them from the `offset`th on.
    virtual std::vector<product> list_products(const product_filter& f, std::int64_t offset, int limit) = 0;
    virtual std::int64_t count_products(const product_filter& f) = 0;

    // --- price history ---
    virtual void add_price(std::int64_t product_id, const price_record& r) = 0;
    /// Newest first; of two prices recorded in the same second, the one added last comes first.
    virtual std::vector<price_record> price_history(std::int64_t product_id) = 0;

    // --- suppliers and their contacts ---
    /// Inserts the supplier (its `id` is ignored) and returns the id it got.
    virtual std::int64_t insert_supplier(const supplier& s) = 0;
    virtual std::optional<supplier> find_supplier(std::int64_t id) = 0;
    /// Reads the supplier for an update in this transaction (SELECT ... FOR UPDATE where the dialect has it).
    virtual std::optional<supplier> lock_supplier(std::int64_t id) = 0;
    /// Writes every field but id and created_at.
    virtual void update_supplier(const supplier& s) = 0;
    /// Every supplier, by name (then id).
    virtual std::vector<supplier> list_suppliers() = 0;
    /// Inserts the contact (its `id` is ignored) and returns the id it got.
    virtual std::int64_t insert_contact(const supplier_contact& c) = 0;
    /// The supplier's contacts, by id.
    virtual std::vector<supplier_contact> contacts_of(std::int64_t supplier_id) = 0;
};

}  // namespace authd
