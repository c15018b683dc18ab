#pragma once
// The catalog's objects of API.md "Catalog" (snake_case): products, suppliers and their contacts.
#include <optional>
#include <vector>

#include "adapters/json/json.hpp"
#include "core/catalog/product.hpp"
#include "core/catalog/supplier.hpp"

namespace authd::http {

/// A supplier's members, without the braces: the detail adds `contacts` to them.
void write_supplier_members(json::writer& w, const supplier& s);
void write_supplier(json::writer& w, const supplier& s);
void write_contact(json::writer& w, const supplier_contact& c);
void write_contacts(json::writer& w, const std::vector<supplier_contact>& contacts);
/// `supplied_by` is given for the detail only, which adds `supplier` (null for a product without one).
void write_product(json::writer& w, const product& p, const std::optional<supplier>* supplied_by = nullptr);

}  // namespace authd::http
