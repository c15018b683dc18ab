// The catalog repository's contract, the same on every backend.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "core/catalog/money.hpp"
#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};

product sample(std::string sku, std::optional<std::int64_t> supplier_id = std::nullopt) {
    product p;
    p.name = "Lampe de bureau Ñ";
    p.sku = std::move(sku);
    p.price_cents = 1999;
    p.currency = "EUR";
    p.supplier_id = supplier_id;
    p.created_at = t0;
    p.updated_at = t0 + 5s;
    return p;
}

supplier company(std::string name) {
    supplier s;
    s.name = std::move(name);
    s.created_at = t0;
    s.updated_at = t0 + 5s;
    return s;
}

void check_same(const product& got, const product& want) {
    CHECK(got.id == want.id);
    CHECK(got.name == want.name);
    CHECK(got.sku == want.sku);
    CHECK(got.description == want.description);
    CHECK(got.price_cents == want.price_cents);
    CHECK(got.currency == want.currency);
    CHECK(got.supplier_id == want.supplier_id);
    CHECK(got.best_seller == want.best_seller);
    CHECK(got.is_active == want.is_active);
    CHECK(got.created_at == want.created_at);
    CHECK(got.updated_at == want.updated_at);
}

std::vector<std::int64_t> ids_of(const std::vector<product>& products) {
    std::vector<std::int64_t> out;
    for (const auto& p : products) out.push_back(p.id);
    return out;
}
}  // namespace

TEST_CASE("a product round-trips every field and is found by id, by SKU and for update", "[contract][catalog]") {
    backend_under_test b;
    product full = sample("LMP-1");
    product bare = sample("LMP-2");
    b.uow->write([&](repositories& r) {
        full.supplier_id = r.catalog.insert_supplier(company("Lumière"));
        full.description = "Dimmable, 6 W — «très» bright";
        full.price_cents = max_price_cents;  // needs the whole BIGINT, not an INTEGER
        full.best_seller = true;
        full.is_active = false;
        const auto id = r.catalog.insert_product(full);
        REQUIRE(id);
        full.id = *id;
        bare.id = r.catalog.insert_product(bare).value();
    });
    CHECK(full.id > 0);
    CHECK(bare.id != full.id);
    b.uow->read([&](repositories& r) {
        for (const auto& found : {r.catalog.find_product(full.id), r.catalog.find_product_by_sku("LMP-1")}) {
            REQUIRE(found);
            check_same(*found, full);
        }
        const auto plain = r.catalog.find_product(bare.id);
        REQUIRE(plain);
        check_same(*plain, bare);  // no description, no supplier: nulls read back as nothing
        CHECK_FALSE(r.catalog.find_product(full.id + bare.id + 100));
        CHECK_FALSE(r.catalog.find_product_by_sku("lmp-1"));  // SKUs are case-sensitive
    });
    b.uow->write([&](repositories& r) {
        const auto locked = r.catalog.lock_product(full.id);
        REQUIRE(locked);
        check_same(*locked, full);
        CHECK_FALSE(r.catalog.lock_product(full.id + bare.id + 100));
    });
}

TEST_CASE("a taken SKU makes insert and update answer false, not throw", "[contract][catalog]") {
    backend_under_test b;
    std::int64_t second = 0;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.catalog.insert_product(sample("SKU-1")));
        second = r.catalog.insert_product(sample("SKU-2")).value();
    });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.catalog.insert_product(sample("SKU-1"))); });
    b.uow->write([&](repositories& r) {
        auto p = *r.catalog.find_product(second);
        p.sku = "SKU-1";
        CHECK_FALSE(r.catalog.update_product(p));
    });
    b.uow->read([&](repositories& r) {
        CHECK(r.catalog.find_product(second)->sku == "SKU-2");
        CHECK(r.catalog.count_products({}) == 2);
    });
}

TEST_CASE("update writes every field but id and created_at", "[contract][catalog]") {
    backend_under_test b;
    product p = sample("SKU-1");
    b.uow->write([&](repositories& r) {
        p.id = r.catalog.insert_product(p).value();
        p.supplier_id = r.catalog.insert_supplier(company("Atlas"));
    });
    const auto created = p.created_at;
    p.name = "Renamed";
    p.sku = "SKU-9";
    p.description = "Now described";
    p.price_cents = 5;
    p.currency = "MAD";
    p.best_seller = true;
    p.is_active = false;
    p.created_at = t0 + 24h;  // ignored
    p.updated_at = t0 + 1h;
    b.uow->write([&](repositories& r) { CHECK(r.catalog.update_product(p)); });
    p.created_at = created;
    b.uow->read([&](repositories& r) { check_same(*r.catalog.find_product(p.id), p); });

    p.description.reset();
    p.supplier_id.reset();
    b.uow->write([&](repositories& r) { CHECK(r.catalog.update_product(p)); });
    b.uow->read([&](repositories& r) { check_same(*r.catalog.find_product(p.id), p); });
}

TEST_CASE("the list applies each filter, sorts by id, pages, and counts", "[contract][catalog]") {
    backend_under_test b;
    std::vector<std::int64_t> ids;
    std::int64_t atlas = 0, northwind = 0;
    b.uow->write([&](repositories& r) {
        atlas = r.catalog.insert_supplier(company("Atlas"));
        northwind = r.catalog.insert_supplier(company("Northwind"));
        // i: best seller when even, inactive when a multiple of 3, Atlas's for 0–3, Northwind's for 4–5, none after.
        for (int i = 0; i < 8; ++i) {
            auto p = sample("SKU-" + std::to_string(i), i < 4   ? std::optional(atlas)
                                                        : i < 6 ? std::optional(northwind)
                                                                : std::nullopt);
            p.best_seller = i % 2 == 0;
            p.is_active = i % 3 != 0;
            ids.push_back(r.catalog.insert_product(p).value());
        }
    });
    const auto pick = [&](std::initializer_list<int> which) {
        std::vector<std::int64_t> out;
        for (const int i : which) out.push_back(ids[static_cast<std::size_t>(i)]);
        return out;
    };
    b.uow->read([&](repositories& r) {
        const auto list = [&](const product_filter& f) { return ids_of(r.catalog.list_products(f, 0, 100)); };
        CHECK(list({}) == ids);
        CHECK(list({true, std::nullopt, std::nullopt}) == pick({0, 2, 4, 6}));
        CHECK(list({false, std::nullopt, std::nullopt}) == pick({1, 3, 5, 7}));
        CHECK(list({std::nullopt, true, std::nullopt}) == pick({1, 2, 4, 5, 7}));
        CHECK(list({std::nullopt, false, std::nullopt}) == pick({0, 3, 6}));
        CHECK(list({std::nullopt, std::nullopt, atlas}) == pick({0, 1, 2, 3}));
        CHECK(list({std::nullopt, std::nullopt, northwind}) == pick({4, 5}));
        CHECK(list({true, true, atlas}) == pick({2}));
        CHECK(list({std::nullopt, std::nullopt, northwind + atlas + 100}).empty());

        CHECK(r.catalog.count_products({}) == 8);
        CHECK(r.catalog.count_products({true, std::nullopt, std::nullopt}) == 4);
        CHECK(r.catalog.count_products({std::nullopt, false, std::nullopt}) == 3);
        CHECK(r.catalog.count_products({true, true, atlas}) == 1);
        CHECK(r.catalog.count_products({std::nullopt, std::nullopt, northwind + atlas + 100}) == 0);

        CHECK(ids_of(r.catalog.list_products({}, 0, 3)) == pick({0, 1, 2}));
        CHECK(ids_of(r.catalog.list_products({}, 3, 3)) == pick({3, 4, 5}));
        CHECK(ids_of(r.catalog.list_products({}, 6, 3)) == pick({6, 7}));
        CHECK(r.catalog.list_products({}, 8, 3).empty());
        CHECK(ids_of(r.catalog.list_products({std::nullopt, true, std::nullopt}, 1, 2)) == pick({2, 4}));
    });
}

TEST_CASE("price history comes newest first, the last added first within one second", "[contract][catalog]") {
    backend_under_test b;
    std::int64_t id = 0, other = 0;
    b.uow->write([&](repositories& r) {
        id = r.catalog.insert_product(sample("SKU-1")).value();
        other = r.catalog.insert_product(sample("SKU-2")).value();
        CHECK(r.catalog.price_history(id).empty());
        r.catalog.add_price(id, {1999, "EUR", t0});
        r.catalog.add_price(id, {2500, "EUR", t0 + 2h});
        r.catalog.add_price(other, {100, "USD", t0 + 3h});
        r.catalog.add_price(id, {1500, "USD", t0 + 1h});  // recorded later, but for an earlier time
        r.catalog.add_price(id, {2600, "EUR", t0 + 2h});  // the same second as 25.00: added last, so newer
    });
    b.uow->read([&](repositories& r) {
        const auto h = r.catalog.price_history(id);
        REQUIRE(h.size() == 4);
        CHECK(h[0].price_cents == 2600);
        CHECK(h[1].price_cents == 2500);
        CHECK(h[1].recorded_at == t0 + 2h);
        CHECK(h[2].price_cents == 1500);
        CHECK(h[2].currency == "USD");
        CHECK(h[3].price_cents == 1999);
        CHECK(h[3].recorded_at == t0);
        CHECK(r.catalog.price_history(other).size() == 1);
    });
}

TEST_CASE("a supplier round-trips, is updated, and suppliers are listed by name", "[contract][catalog][suppliers]") {
    backend_under_test b;
    supplier s = company("Northwind Traders");
    s.email = "sales@northwind.example";
    s.phone = "+1 206 555 0100";
    s.address = "4110 Old Redmond Rd, Redmond, WA";
    b.uow->write([&](repositories& r) {
        s.id = r.catalog.insert_supplier(s);
        r.catalog.insert_supplier(company("Atlas"));
        r.catalog.insert_supplier(company("Lumière"));
    });
    const auto check_supplier = [](const std::optional<supplier>& got, const supplier& want) {
        REQUIRE(got);
        CHECK(got->id == want.id);
        CHECK(got->name == want.name);
        CHECK(got->email == want.email);
        CHECK(got->phone == want.phone);
        CHECK(got->address == want.address);
        CHECK(got->created_at == want.created_at);
        CHECK(got->updated_at == want.updated_at);
    };
    b.uow->read([&](repositories& r) {
        check_supplier(r.catalog.find_supplier(s.id), s);
        CHECK_FALSE(r.catalog.find_supplier(s.id + 100));
        const auto all = r.catalog.list_suppliers();
        REQUIRE(all.size() == 3);
        CHECK(all[0].name == "Atlas");
        CHECK(all[1].name == "Lumière");
        CHECK(all[2].name == "Northwind Traders");
        CHECK_FALSE(all[0].email);
    });
    s.name = "Northwind";
    s.email.reset();
    s.address = "Seattle";
    s.updated_at = t0 + 1h;
    b.uow->write([&](repositories& r) {
        check_supplier(r.catalog.lock_supplier(s.id), r.catalog.find_supplier(s.id).value());
        r.catalog.update_supplier(s);
    });
    b.uow->read([&](repositories& r) { check_supplier(r.catalog.find_supplier(s.id), s); });
}

TEST_CASE("contacts are inserted with their supplier and listed by id", "[contract][catalog][suppliers]") {
    backend_under_test b;
    std::int64_t atlas = 0, other = 0;
    std::vector<std::int64_t> contact_ids;
    b.uow->write([&](repositories& r) {
        atlas = r.catalog.insert_supplier(company("Atlas"));
        other = r.catalog.insert_supplier(company("Other"));
        const auto none = std::nullopt;
        contact_ids.push_back(
            r.catalog.insert_contact({0, atlas, "Nadia Tazi", "nadia@atlas.example", "+212 661", "Sales"}));
        contact_ids.push_back(r.catalog.insert_contact({0, other, "Someone", none, none, none}));
        contact_ids.push_back(r.catalog.insert_contact({0, atlas, "Omar", none, none, none}));
    });
    b.uow->read([&](repositories& r) {
        const auto contacts = r.catalog.contacts_of(atlas);
        REQUIRE(contacts.size() == 2);
        CHECK(contacts[0].id == contact_ids[0]);
        CHECK(contacts[0].supplier_id == atlas);
        CHECK(contacts[0].name == "Nadia Tazi");
        CHECK(contacts[0].email == "nadia@atlas.example");
        CHECK(contacts[0].phone == "+212 661");
        CHECK(contacts[0].role == "Sales");
        CHECK(contacts[1].id == contact_ids[2]);
        CHECK_FALSE(contacts[1].email);
        CHECK_FALSE(contacts[1].role);
        CHECK(r.catalog.contacts_of(other).size() == 1);
        CHECK(r.catalog.contacts_of(atlas + other + 100).empty());
    });
}

TEST_CASE("a unit of work that throws after a supplier and its contacts leaves none of them",
          "[contract][catalog][transactions]") {
    backend_under_test b;
    std::int64_t rolled_back = 0;
    const auto work = [&](repositories& r) {
        rolled_back = r.catalog.insert_supplier(company("Atlas"));
        r.catalog.insert_contact({0, rolled_back, "Nadia", std::nullopt, std::nullopt, std::nullopt});
        r.catalog.insert_product(sample("SKU-1", rolled_back));
        throw std::runtime_error("boom");
    };
    CHECK_THROWS_AS(b.uow->write(work), std::runtime_error);
    b.uow->read([&](repositories& r) {
        CHECK(r.catalog.list_suppliers().empty());
        CHECK_FALSE(r.catalog.find_supplier(rolled_back));
        CHECK(r.catalog.contacts_of(rolled_back).empty());
        CHECK(r.catalog.count_products({}) == 0);
        CHECK_FALSE(r.catalog.find_product_by_sku("SKU-1"));
    });
    // The ids it took are not reused in a way that matters: a new supplier simply works.
    b.uow->write([&](repositories& r) {
        const auto id = r.catalog.insert_supplier(company("Atlas"));
        r.catalog.insert_contact({0, id, "Nadia", std::nullopt, std::nullopt, std::nullopt});
    });
    b.uow->read([&](repositories& r) {
        const auto all = r.catalog.list_suppliers();
        REQUIRE(all.size() == 1);
        CHECK(r.catalog.contacts_of(all[0].id).size() == 1);
    });
}
