#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "core/common/validation.hpp"

namespace authd {

/// A product of the inventory. Its price is integer cents, so that it is kept exactly.
struct product {
    std::int64_t id = 0;  ///< given by the database
    std::string name;
    std::string sku;  ///< unique
    std::optional<std::string> description;
    std::int64_t price_cents = 0;
    std::string currency = "USD";  ///< ISO 4217
    std::optional<std::int64_t> supplier_id;
    bool best_seller = false;
    bool is_active = true;  ///< false once deleted: a delete is soft, so that history and orders keep their product
    time_point created_at{};
    time_point updated_at{};
};

/// One price a product had, from `recorded_at` on.
struct price_record {
    std::int64_t price_cents = 0;
    std::string currency;
    time_point recorded_at{};
};

/// The product fields a client sent: everything optional, so that one type serves creation (where name, sku and
/// price are required) and partial updates. An engaged outer optional holding nothing (JSON null) clears the field.
struct product_fields {
    std::optional<std::string> name;
    std::optional<std::string> sku;
    std::optional<std::optional<std::string>> description;
    std::optional<std::string> price;  ///< the decimal text of the JSON number, e.g. "19.99"
    std::optional<std::string> currency;
    std::optional<std::optional<std::int64_t>> supplier_id;
    std::optional<bool> best_seller;
    std::optional<bool> is_active;
};

/// Three upper-case ASCII letters, the shape of an ISO 4217 code ("USD", "EUR", "MAD").
bool is_currency_code(std::string_view code);

/// Writes the fields that are present into `p`, reporting every bad one to `v`. When `creating`, the fields a new
/// product needs (name, sku, price) are required.
void apply_product_fields(const product_fields& f, product& p, validator& v, bool creating);

}  // namespace authd
