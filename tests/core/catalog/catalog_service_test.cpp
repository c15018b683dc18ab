#include "core/catalog/catalog_service.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture {
    test::fake_clock clock;
    test::memory_store store;
    catalog_service catalog{store, clock};

    product create(const std::string& sku, const std::string& price = "19.99") {
        product_fields f;
        f.name = "Stapler " + sku;
        f.sku = sku;
        f.price = price;
        auto p = catalog.create_product(f);
        REQUIRE(p.ok());
        return p.value();
    }
    std::int64_t create_supplier(const std::string& name) {
        supplier_fields f;
        f.name = name;
        auto s = catalog.create_supplier(f);
        REQUIRE(s.ok());
        return s->item.id;
    }
    std::vector<price_record> history(std::int64_t id) {
        auto h = catalog.price_history(id);
        REQUIRE(h.ok());
        return h.value();
    }
};

product_fields price_change(const std::string& price) {
    product_fields f;
    f.price = price;
    return f;
}

std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field);
    std::sort(out.begin(), out.end());
    return out;
}

using strings = std::vector<std::string>;
}  // namespace

TEST_CASE("a new product gets an id, the defaults, and its price as the first of its history", "[core][catalog]") {
    fixture f;
    const auto p = f.create("STP-1", "19.99");
    CHECK(p.id > 0);
    CHECK(p.price_cents == 1999);
    CHECK(p.currency == "USD");
    CHECK_FALSE(p.best_seller);
    CHECK(p.is_active);
    CHECK_FALSE(p.supplier_id);
    CHECK_FALSE(p.description);
    CHECK(p.created_at == f.clock.now());
    CHECK(p.updated_at == f.clock.now());

    const auto h = f.history(p.id);
    REQUIRE(h.size() == 1);
    CHECK(h[0].price_cents == 1999);
    CHECK(h[0].currency == "USD");
    CHECK(h[0].recorded_at == f.clock.now());
}

TEST_CASE("an update records a price only when the price changed", "[core][catalog]") {
    fixture f;
    const auto p = f.create("STP-1", "19.99");

    f.clock.advance(1h);
    product_fields rename;
    rename.name = "Stapler, heavy duty";
    REQUIRE(f.catalog.update_product(p.id, rename).ok());
    REQUIRE(f.catalog.update_product(p.id, price_change("19.990")).ok());  // the same amount, written otherwise
    CHECK(f.history(p.id).size() == 1);

    f.clock.advance(1h);
    auto changed = f.catalog.update_product(p.id, price_change("24.50"));
    REQUIRE(changed.ok());
    CHECK(changed->price_cents == 2450);
    CHECK(changed->name == "Stapler, heavy duty");
    CHECK(changed->updated_at == f.clock.now());
    CHECK(changed->created_at == p.created_at);

    f.clock.advance(1h);
    product_fields euros;
    euros.currency = "EUR";
    REQUIRE(f.catalog.update_product(p.id, euros).ok());  // 24.50 EUR is another price than 24.50 USD

    const auto h = f.history(p.id);
    REQUIRE(h.size() == 3);
    CHECK(h[0].price_cents == 2450);
    CHECK(h[0].currency == "EUR");
    CHECK(h[1].price_cents == 2450);
    CHECK(h[1].currency == "USD");
    CHECK(h[1].recorded_at == p.created_at + 2h);
    CHECK(h[2].price_cents == 1999);
    CHECK(h[2].recorded_at == p.created_at);
}

TEST_CASE("delete is soft: the product stays readable, inactive", "[core][catalog]") {
    fixture f;
    const auto p = f.create("STP-1");
    f.clock.advance(5min);
    REQUIRE(f.catalog.delete_product(p.id).ok());
    auto found = f.catalog.find_product(p.id);
    REQUIRE(found.ok());
    CHECK_FALSE(found->item.is_active);
    CHECK(found->item.updated_at == f.clock.now());
    CHECK(f.history(p.id).size() == 1);

    CHECK(f.catalog.delete_product(p.id).ok());  // deleting again changes nothing
    const auto missing = f.catalog.delete_product(p.id + 1000);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == errc::not_found);
}

TEST_CASE("a product may name only a supplier that exists", "[core][catalog]") {
    fixture f;
    product_fields fields;
    fields.name = "Lamp";
    fields.sku = "LMP-1";
    fields.price = "34.90";
    fields.supplier_id.emplace(4242);
    const auto refused = f.catalog.create_product(fields);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == errc::unknown_supplier);
    CHECK(fields_of(refused.error()) == strings{"supplier_id"});
    CHECK(f.store.snapshot().products.empty());

    const auto supplier_id = f.create_supplier("Lumière");
    fields.supplier_id.emplace(supplier_id);
    auto created = f.catalog.create_product(fields);
    REQUIRE(created.ok());
    CHECK(created->supplier_id == supplier_id);
    auto detail = f.catalog.find_product(created->id);
    REQUIRE(detail.ok());
    REQUIRE(detail->supplied_by);
    CHECK(detail->supplied_by->name == "Lumière");

    product_fields elsewhere;
    elsewhere.supplier_id.emplace(4242);
    const auto moved = f.catalog.update_product(created->id, elsewhere);
    REQUIRE_FALSE(moved.ok());
    CHECK(moved.error().code == errc::unknown_supplier);

    product_fields none;
    none.supplier_id.emplace(std::nullopt);  // JSON null: no supplier any more
    auto cleared = f.catalog.update_product(created->id, none);
    REQUIRE(cleared.ok());
    CHECK_FALSE(cleared->supplier_id);
    CHECK_FALSE(f.catalog.find_product(created->id)->supplied_by);
}

TEST_CASE("a SKU belongs to one product: sku_taken on create and on update", "[core][catalog]") {
    fixture f;
    const auto first = f.create("SKU-1");
    const auto second = f.create("SKU-2");

    product_fields again;
    again.name = "Copy";
    again.sku = "SKU-1";
    again.price = "1";
    const auto duplicate = f.catalog.create_product(again);
    REQUIRE_FALSE(duplicate.ok());
    CHECK(duplicate.error().code == errc::sku_taken);

    product_fields take;
    take.sku = "SKU-1";
    const auto taken = f.catalog.update_product(second.id, take);
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::sku_taken);
    CHECK(f.catalog.update_product(first.id, take).ok());  // its own SKU is no conflict
    CHECK(f.store.snapshot().products.size() == 2);
}

TEST_CASE("validation lists every bad field of a product at once", "[core][catalog]") {
    fixture f;
    const auto missing = f.catalog.create_product({});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == errc::validation_failed);
    CHECK(fields_of(missing.error()) == strings{"name", "price", "sku"});

    product_fields bad;
    bad.name = "";
    bad.sku = "   ";
    bad.description.emplace(std::string(2001, 'x'));
    bad.price = "19.999";
    bad.currency = "usd";
    const auto refused = f.catalog.create_product(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(fields_of(refused.error()) == strings{"currency", "description", "name", "price", "sku"});
    CHECK(f.store.snapshot().products.empty());

    const auto p = f.create("SKU-1");
    product_fields negative;
    negative.price = "-1";
    negative.name = std::string(256, 'n');
    const auto update = f.catalog.update_product(p.id, negative);
    REQUIRE_FALSE(update.ok());
    CHECK(fields_of(update.error()) == strings{"name", "price"});
    CHECK(f.catalog.find_product(p.id)->item.price_cents == 1999);
}

TEST_CASE("an unknown product is not_found for update, detail and history", "[core][catalog]") {
    fixture f;
    CHECK(f.catalog.update_product(7, price_change("1")).error().code == errc::not_found);
    CHECK(f.catalog.find_product(7).error().code == errc::not_found);
    CHECK(f.catalog.price_history(7).error().code == errc::not_found);
}

TEST_CASE("paging counts every match and rounds the pages up", "[core][catalog]") {
    fixture f;
    for (int i = 0; i < 45; ++i) f.create("SKU-" + std::to_string(100 + i));
    product_query q;
    auto first = f.catalog.list_products(q);
    REQUIRE(first.ok());
    CHECK(first->number == 0);
    CHECK(first->size == 20);
    CHECK(first->total_elements == 45);
    CHECK(first->total_pages == 3);
    REQUIRE(first->products.size() == 20);
    CHECK(first->products.front().sku == "SKU-100");

    q.page = 2;
    auto last = f.catalog.list_products(q);
    REQUIRE(last.ok());
    REQUIRE(last->products.size() == 5);
    CHECK(last->products.front().sku == "SKU-140");

    q.page = 3;
    CHECK(f.catalog.list_products(q)->products.empty());
    q.page = max_page;  // far past the end: empty, and page × size overflows nothing
    CHECK(f.catalog.list_products(q)->products.empty());
    q.page = max_page + 1;  // past the last page number any list answers: refused by name
    const auto past = f.catalog.list_products(q);
    REQUIRE_FALSE(past.ok());
    CHECK(past.error().code == errc::validation_failed);
    REQUIRE(past.error().fields.size() == 1);
    CHECK(past.error().fields[0].field == "page");
    q.page = INT64_MAX;
    CHECK_FALSE(f.catalog.list_products(q).ok());

    q.page = 0;
    q.size = 100;
    CHECK(f.catalog.list_products(q)->total_pages == 1);
    q.size = 45;
    CHECK(f.catalog.list_products(q)->total_pages == 1);
    q.size = 44;
    CHECK(f.catalog.list_products(q)->total_pages == 2);
}

TEST_CASE("no products make zero pages", "[core][catalog]") {
    fixture f;
    auto empty = f.catalog.list_products({});
    REQUIRE(empty.ok());
    CHECK(empty->total_elements == 0);
    CHECK(empty->total_pages == 0);
    CHECK(empty->products.empty());
}

TEST_CASE("a page below 0 or a size outside 1 to 100 is refused", "[core][catalog]") {
    fixture f;
    for (const std::int64_t size : {0, 101, -5}) {
        product_query q;
        q.size = size;
        const auto r = f.catalog.list_products(q);
        REQUIRE_FALSE(r.ok());
        CHECK(fields_of(r.error()) == strings{"size"});
    }
    product_query q;
    q.page = -1;
    q.size = 0;
    CHECK(fields_of(f.catalog.list_products(q).error()) == strings{"page", "size"});
}

TEST_CASE("the list filters by best seller, active and supplier", "[core][catalog]") {
    fixture f;
    const auto supplier_id = f.create_supplier("Atlas");
    for (int i = 0; i < 6; ++i) {
        product_fields p;
        p.name = "P" + std::to_string(i);
        p.sku = "P-" + std::to_string(i);
        p.price = "1";
        p.best_seller = i % 2 == 0;                     // 0, 2, 4
        if (i < 3) p.supplier_id.emplace(supplier_id);  // 0, 1, 2
        REQUIRE(f.catalog.create_product(p).ok());
    }
    const auto inactive = f.catalog.list_products({})->products[4].id;
    REQUIRE(f.catalog.delete_product(inactive).ok());  // P4

    const auto count = [&](product_filter filter) { return f.catalog.list_products({filter, 0, 20})->total_elements; };
    CHECK(count({}) == 6);
    CHECK(count({true, std::nullopt, std::nullopt}) == 3);
    CHECK(count({false, std::nullopt, std::nullopt}) == 3);
    CHECK(count({std::nullopt, true, std::nullopt}) == 5);
    CHECK(count({std::nullopt, false, std::nullopt}) == 1);
    CHECK(count({std::nullopt, std::nullopt, supplier_id}) == 3);
    CHECK(count({true, true, supplier_id}) == 2);
    CHECK(count({true, false, std::nullopt}) == 1);
}

TEST_CASE("a supplier and its contacts are created together", "[core][catalog][suppliers]") {
    fixture f;
    supplier_fields s;
    s.name = "Atlas Office Supply";
    s.email.emplace("orders@atlas.example");
    s.contacts = {{"Nadia", "nadia@atlas.example", "+212 661 000 111", "Sales"}, {"Omar", {}, {}, {}}};
    auto created = f.catalog.create_supplier(s);
    REQUIRE(created.ok());
    CHECK(created->item.id > 0);
    CHECK(created->item.email == "orders@atlas.example");
    CHECK_FALSE(created->item.phone);
    CHECK(created->item.created_at == f.clock.now());
    REQUIRE(created->contacts.size() == 2);
    CHECK(created->contacts[0].supplier_id == created->item.id);
    CHECK(created->contacts[0].role == "Sales");
    CHECK(created->contacts[1].name == "Omar");
    CHECK_FALSE(created->contacts[1].email);

    auto found = f.catalog.find_supplier(created->item.id);
    REQUIRE(found.ok());
    CHECK(found->contacts.size() == 2);
    CHECK(f.catalog.contacts_of(created->item.id)->size() == 2);
}

TEST_CASE("one bad contact refuses the whole supplier, naming the contact's field", "[core][catalog][suppliers]") {
    fixture f;
    supplier_fields s;
    s.name = "Atlas";
    s.email.emplace("not an e-mail");
    s.contacts = {{"Nadia", {}, {}, {}}, {std::nullopt, "bad", {}, std::string(101, 'r')}};
    const auto refused = f.catalog.create_supplier(s);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == errc::validation_failed);
    CHECK(fields_of(refused.error()) == strings{"contacts[1].email", "contacts[1].name", "contacts[1].role", "email"});
    CHECK(f.store.snapshot().suppliers.empty());
    CHECK(f.store.snapshot().supplier_contacts.empty());

    CHECK(fields_of(f.catalog.create_supplier({}).error()) == strings{"name"});
}

TEST_CASE("a supplier update changes the fields given and null clears one", "[core][catalog][suppliers]") {
    fixture f;
    supplier_fields s;
    s.name = "Atlas";
    s.email.emplace("orders@atlas.example");
    s.phone.emplace("+212 522 000 111");
    s.contacts = {{"Nadia", {}, {}, {}}};
    const auto created = f.catalog.create_supplier(s);
    REQUIRE(created.ok());

    f.clock.advance(1h);
    supplier_fields change;
    change.name = "Atlas Office Supply";
    change.phone.emplace(std::nullopt);
    auto updated = f.catalog.update_supplier(created->item.id, change);
    REQUIRE(updated.ok());
    CHECK(updated->item.name == "Atlas Office Supply");
    CHECK(updated->item.email == "orders@atlas.example");
    CHECK_FALSE(updated->item.phone);
    CHECK(updated->item.updated_at == f.clock.now());
    CHECK(updated->item.created_at == created->item.created_at);
    CHECK(updated->contacts.size() == 1);

    supplier_fields bad;
    bad.name = "";
    bad.address.emplace(std::string(501, 'a'));
    CHECK(fields_of(f.catalog.update_supplier(created->item.id, bad).error()) == strings{"address", "name"});
    CHECK(f.catalog.update_supplier(created->item.id + 1000, change).error().code == errc::not_found);
}

TEST_CASE("suppliers are listed by name, an unknown one is not_found", "[core][catalog][suppliers]") {
    fixture f;
    f.create_supplier("Northwind");
    f.create_supplier("Atlas");
    const auto all = f.catalog.list_suppliers();
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "Atlas");
    CHECK(all[1].name == "Northwind");
    CHECK(f.catalog.find_supplier(999).error().code == errc::not_found);
    CHECK(f.catalog.contacts_of(999).error().code == errc::not_found);
}
