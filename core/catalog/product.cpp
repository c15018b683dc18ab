#include "core/catalog/product.hpp"

#include <algorithm>

#include "core/catalog/money.hpp"

namespace authd {

bool is_currency_code(std::string_view code) {
    return code.size() == 3 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

void apply_product_fields(const product_fields& f, product& p, validator& v, bool creating) {
    if (f.name) {
        if (auto e = check_text(*f.name, 255)) v.add("name", *e);
        else p.name = *f.name;
    } else if (creating) {
        v.add("name", "is required");
    }
    if (f.sku) {
        if (auto e = check_text(*f.sku, 100)) v.add("sku", *e);
        else p.sku = *f.sku;
    } else if (creating) {
        v.add("sku", "is required");
    }
    if (f.description) {
        const auto& d = *f.description;
        const auto length = d ? utf8_length(*d) : std::optional<std::size_t>(0);
        if (!length) v.add("description", "must be valid UTF-8");
        else if (*length > 2000) v.add("description", "must be at most 2000 characters");
        else p.description = d;
    }
    if (f.price) {
        auto cents = parse_cents(*f.price);
        if (!cents) v.add("price", cents.error().detail);
        else p.price_cents = cents.value();
    } else if (creating) {
        v.add("price", "is required");
    }
    if (f.currency) {
        if (!is_currency_code(*f.currency)) v.add("currency", "must be an ISO 4217 code: 3 upper-case letters");
        else p.currency = *f.currency;
    }
    if (f.supplier_id) p.supplier_id = *f.supplier_id;  // whether it exists is the service's question
    if (f.best_seller) p.best_seller = *f.best_seller;
    if (f.is_active) p.is_active = *f.is_active;
}

}  // namespace authd
