// /api/products and /api/suppliers over real sockets: every route and failure code of API.md "Catalog",
// exact money, the price history, soft deletes, and suppliers created with their contacts in one transaction.
#include "tests/http/app_fixture.hpp"

#include <sstream>

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
// The fake clock starts at 2026-11-22T00:00:00Z.
const std::string lamp = R"({"name":"LED desk lamp","sku":"LUM-LED-060","price":34.90})";

struct catalog_app {
    running_app app;
    api c = app.client();
    std::string staff = sign_in_with_roles(c, app, "staff@example.com", {"staff"});
    std::string admin = sign_in_with_roles(c, app, "admin@example.com", {"admin"});
    std::string customer = sign_in_with_roles(c, app, "customer@example.com", {"customer"});

    http_reply send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token) {
        return c.call(method, target, body, api::bearer(token));
    }
    http_reply get(const std::string& target) { return c.get(target, customer); }

    /// Creates a product as staff; returns its id.
    std::string product(const std::string& body) {
        auto r = send("POST", "/api/products", body, staff);
        REQUIRE(r.status == 201);
        return member(r.body, "id");
    }
    std::string supplier(const std::string& body) {
        auto r = send("POST", "/api/suppliers", body, staff);
        REQUIRE(r.status == 201);
        return member(r.body, "id");
    }

    /// The raw JSON text of the first member with that name: `"price":19.99` gives "19.99".
    static std::string member(const std::string& body, const std::string& key) {
        const auto at = body.find("\"" + key + "\":");
        if (at == std::string::npos) return {};
        const auto start = at + key.size() + 3;
        return body.substr(start, body.find_first_of(",}]", start) - start);
    }
};

bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

std::size_t count(const std::string& body, const std::string& part) {
    std::size_t n = 0;
    for (auto at = body.find(part); at != std::string::npos; at = body.find(part, at + 1)) ++n;
    return n;
}

std::string product_body(const std::string& sku, const std::string& extra = {}) {
    return R"({"name":"Item )" + sku + R"(","sku":")" + sku + R"(","price":1)" + extra + "}";
}

/// The field names a 400 lists, in order.
std::vector<std::string> fields(const http_reply& r) {
    std::vector<std::string> out;
    for (auto at = r.body.find("\"field\":\""); at != std::string::npos; at = r.body.find("\"field\":\"", at + 1)) {
        const auto start = at + 9;
        out.push_back(r.body.substr(start, r.body.find('"', start) - start));
    }
    return out;
}

using strings = std::vector<std::string>;
}  // namespace

// --- access -------------------------------------------------------------------------------------------------------

TEST_CASE("every catalog route needs a token: 401 without one", "[http][catalog]") {
    catalog_app t;
    const std::vector<std::pair<std::string, std::string>> routes{
        {"GET", "/api/products"},
        {"POST", "/api/products"},
        {"GET", "/api/products/1"},
        {"PUT", "/api/products/1"},
        {"DELETE", "/api/products/1"},
        {"GET", "/api/products/1/price_history"},
        {"GET", "/api/suppliers"},
        {"POST", "/api/suppliers"},
        {"GET", "/api/suppliers/1"},
        {"PUT", "/api/suppliers/1"},
        {"GET", "/api/suppliers/1/contacts"},
    };
    for (const auto& [method, target] : routes) {
        INFO(method << " " << target);
        auto r = t.send(method, target, "", "");
        CHECK(r.status == 401);
        CHECK(r.header("WWW-Authenticate").value_or("").rfind("Bearer", 0) == 0);
        CHECK(t.send(method, target, "", "not-a-token").status == 401);
    }
}

TEST_CASE("a customer reads the catalog but writes nothing: 403 forbidden", "[http][catalog]") {
    catalog_app t;
    const auto id = t.product(lamp);
    const auto supplier_id = t.supplier(R"({"name":"Atlas"})");
    CHECK(t.get("/api/products").status == 200);
    CHECK(t.get("/api/products/" + id).status == 200);
    CHECK(t.get("/api/products/" + id + "/price_history").status == 200);
    CHECK(t.get("/api/suppliers").status == 200);
    CHECK(t.get("/api/suppliers/" + supplier_id).status == 200);
    CHECK(t.get("/api/suppliers/" + supplier_id + "/contacts").status == 200);

    auto forbidden = t.send("POST", "/api/products", product_body("NEW-1"), t.customer);
    CHECK(forbidden.status == 403);
    CHECK(json_string(forbidden.body, "code") == "forbidden");
    CHECK(t.send("PUT", "/api/products/" + id, R"({"price":1})", t.customer).status == 403);
    CHECK(t.send("DELETE", "/api/products/" + id, "", t.customer).status == 403);
    CHECK(t.send("POST", "/api/suppliers", R"({"name":"Other"})", t.customer).status == 403);
    CHECK(t.send("PUT", "/api/suppliers/" + supplier_id, R"({"name":"X"})", t.customer).status == 403);

    // Nothing changed: one product at its price, one supplier with its name.
    auto list = t.get("/api/products");
    CHECK(has(list.body, R"("total_elements":1)"));
    CHECK(has(list.body, R"("price":34.90)"));
    CHECK(count(t.get("/api/suppliers").body, "\"name\":\"Atlas\"") == 1);
}

TEST_CASE("staff and admin both write the catalog", "[http][catalog]") {
    catalog_app t;
    CHECK(t.send("POST", "/api/products", product_body("BY-STAFF"), t.staff).status == 201);
    CHECK(t.send("POST", "/api/products", product_body("BY-ADMIN"), t.admin).status == 201);
    CHECK(t.send("POST", "/api/suppliers", R"({"name":"By admin"})", t.admin).status == 201);
}

// --- products: create and read ------------------------------------------------------------------------------------

TEST_CASE("staff creates a product: 201 with every field, its Location and its first price", "[http][catalog]") {
    catalog_app t;
    const auto supplier_id = t.supplier(R"({"name":"Lumière Électronique","email":"contact@lumiere.example"})");
    auto r = t.send("POST", "/api/products",
                    R"({"name":"LED desk lamp","sku":"LUM-LED-060","description":"Dimmable, 6 W","price":34.9,)"
                    R"("currency":"EUR","supplier_id":)" +
                        supplier_id + R"(,"best_seller":true,"is_active":true})",
                    t.staff);
    REQUIRE(r.status == 201);
    CHECK(r.header("Content-Type") == "application/json");
    const auto id = catalog_app::member(r.body, "id");
    CHECK(r.header("Location") == "/api/products/" + id);
    CHECK(has(r.body, R"({"id":)" + id +
                          R"(,"name":"LED desk lamp","sku":"LUM-LED-060","description":"Dimmable, 6 W",)"
                          R"("price":34.90,"currency":"EUR","supplier_id":)" +
                          supplier_id +
                          R"(,"best_seller":true,"is_active":true,"created_at":"2026-11-22T00:00:00Z",)"
                          R"("updated_at":"2026-11-22T00:00:00Z"})"));

    auto history = t.get("/api/products/" + id + "/price_history");
    REQUIRE(history.status == 200);
    CHECK(history.body ==
          R"({"price_history":[{"price":34.90,"currency":"EUR","recorded_at":"2026-11-22T00:00:00Z"}]})");
}

TEST_CASE("a product's detail embeds its supplier without contacts, or null", "[http][catalog]") {
    catalog_app t;
    const auto supplier_id =
        t.supplier(R"({"name":"Atlas","phone":"+212 522 000 111","contacts":[{"name":"Nadia","role":"Sales"}]})");
    const auto with = t.product(product_body("WITH", ",\"supplier_id\":" + supplier_id));
    const auto without = t.product(product_body("WITHOUT"));

    auto detail = t.get("/api/products/" + with);
    REQUIRE(detail.status == 200);
    CHECK(has(detail.body, R"("supplier":{"id":)" + supplier_id +
                               R"(,"name":"Atlas","email":null,"phone":"+212 522 000 111","address":null,)"
                               R"("created_at":"2026-11-22T00:00:00Z","updated_at":"2026-11-22T00:00:00Z"}})"));
    CHECK_FALSE(has(detail.body, "contacts"));
    CHECK_FALSE(has(detail.body, "Nadia"));

    auto bare = t.get("/api/products/" + without);
    REQUIRE(bare.status == 200);
    CHECK(has(bare.body, R"("description":null)"));
    CHECK(has(bare.body, R"("currency":"USD")"));
    CHECK(has(bare.body, R"("supplier_id":null)"));
    CHECK(has(bare.body, R"("best_seller":false,"is_active":true)"));
    CHECK(has(bare.body, R"("supplier":null})"));

    // The list shows products without the embedded supplier.
    CHECK_FALSE(has(t.get("/api/products").body, "\"supplier\":"));
}

TEST_CASE("prices round-trip exactly as JSON numbers with 2 decimals", "[http][catalog][money]") {
    catalog_app t;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"19.99", "19.99"},  {"0.10", "0.10"},
        {"0.1", "0.10"},     {"20", "20.00"},
        {"20.0", "20.00"},   {"1234567.89", "1234567.89"},
        {"0", "0.00"},       {"1e2", "100.00"},
        {"19.990", "19.99"}, {"9999999999999.99", "9999999999999.99"},
    };
    int n = 0;
    for (const auto& [sent, shown] : cases) {
        INFO(sent);
        const auto sku = "MONEY-" + std::to_string(n++);
        auto r =
            t.send("POST", "/api/products", R"({"name":"M","sku":")" + sku + R"(","price":)" + sent + "}", t.staff);
        REQUIRE(r.status == 201);
        CHECK(catalog_app::member(r.body, "price") == shown);
        const auto id = catalog_app::member(r.body, "id");
        CHECK(catalog_app::member(t.get("/api/products/" + id).body, "price") == shown);
        CHECK(catalog_app::member(t.get("/api/products/" + id + "/price_history").body, "price") == shown);
    }
}

TEST_CASE("a price with more than 2 decimals, below zero, too large or not a number is 400 naming price",
          "[http][catalog][money]") {
    catalog_app t;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"19.999", "must have at most 2 decimals"},
        {"0.001", "must have at most 2 decimals"},
        // One double with 9999999999999.99 and 19.99: judged on the digits sent, not on the number they read as.
        {"9999999999999.991", "must have at most 2 decimals"},
        {"19.9900000000000001", "must have at most 2 decimals"},
        {"-1", "must not be negative"},
        {"-0.01", "must not be negative"},
        {"10000000000000", "must be at most 9999999999999.99"},
        {"1e300", "must be at most 9999999999999.99"},
        {"\"19.99\"", "must be a number"},
        {"true", "must be a number"},
    };
    for (const auto& [sent, message] : cases) {
        INFO(sent);
        auto r = t.send("POST", "/api/products", R"({"name":"M","sku":"M-1","price":)" + sent + "}", t.staff);
        REQUIRE(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(has(r.body, R"({"field":"price","message":")" + message + R"("})"));
        CHECK(fields(r) == strings{"price"});
    }
    const auto id = t.product(lamp);
    auto update = t.send("PUT", "/api/products/" + id, R"({"price":19.999})", t.staff);
    REQUIRE(update.status == 400);
    CHECK(fields(update) == strings{"price"});
    CHECK(has(t.get("/api/products").body, R"("total_elements":1)"));
    CHECK(catalog_app::member(t.get("/api/products/" + id).body, "price") == "34.90");
}

TEST_CASE("product validation lists every bad field in one 400", "[http][catalog]") {
    catalog_app t;
    auto missing = t.send("POST", "/api/products", "{}", t.staff);
    REQUIRE(missing.status == 400);
    CHECK(missing.header("Content-Type") == "application/problem+json");
    CHECK(fields(missing) == strings{"name", "sku", "price"});
    CHECK(has(missing.body, R"({"field":"name","message":"is required"})"));

    auto bad =
        t.send("POST", "/api/products",
               R"({"name":"","sku":" ","description":")" + std::string(2001, 'd') + R"(","price":-5,"currency":"usd"})",
               t.staff);
    REQUIRE(bad.status == 400);
    CHECK(fields(bad) == strings{"name", "sku", "description", "price", "currency"});

    auto too_long = t.send("POST", "/api/products",
                           R"({"name":")" + std::string(256, 'n') + R"(","sku":"X","price":1,"currency":"EURO"})",
                           t.staff);
    REQUIRE(too_long.status == 400);
    CHECK(fields(too_long) == strings{"name", "currency"});

    auto types = t.send("POST", "/api/products",
                        R"({"name":5,"sku":["a"],"description":1,"price":"1","currency":1,"supplier_id":"3",)"
                        R"("best_seller":"yes","is_active":1})",
                        t.staff);
    REQUIRE(types.status == 400);
    CHECK(fields(types) ==
          strings{"name", "sku", "description", "price", "currency", "supplier_id", "best_seller", "is_active"});
    CHECK(has(types.body, R"({"field":"supplier_id","message":"must be an integer"})"));
    CHECK(has(types.body, R"({"field":"best_seller","message":"must be true or false"})"));

    CHECK(has(t.get("/api/products").body, R"("total_elements":0)"));
}

TEST_CASE("a product naming an unknown supplier is 400 unknown_supplier", "[http][catalog]") {
    catalog_app t;
    auto r = t.send("POST", "/api/products", product_body("P-1", R"(,"supplier_id":987654)"), t.staff);
    REQUIRE(r.status == 400);
    CHECK(json_string(r.body, "code") == "unknown_supplier");
    CHECK(fields(r) == strings{"supplier_id"});
    CHECK(has(t.get("/api/products").body, R"("total_elements":0)"));

    const auto id = t.product(product_body("P-1"));
    auto update = t.send("PUT", "/api/products/" + id, R"({"supplier_id":987654})", t.staff);
    REQUIRE(update.status == 400);
    CHECK(json_string(update.body, "code") == "unknown_supplier");
    CHECK(has(t.get("/api/products/" + id).body, R"("supplier_id":null)"));
}

TEST_CASE("a SKU belongs to one product: 409 sku_taken on create and on update", "[http][catalog]") {
    catalog_app t;
    const auto first = t.product(product_body("SKU-1"));
    const auto second = t.product(product_body("SKU-2"));
    auto again = t.send("POST", "/api/products", product_body("SKU-1"), t.staff);
    REQUIRE(again.status == 409);
    CHECK(json_string(again.body, "code") == "sku_taken");

    auto take = t.send("PUT", "/api/products/" + second, R"({"sku":"SKU-1"})", t.staff);
    REQUIRE(take.status == 409);
    CHECK(json_string(take.body, "code") == "sku_taken");
    CHECK(json_string(t.get("/api/products/" + second).body, "sku") == "SKU-2");
    CHECK(t.send("PUT", "/api/products/" + first, R"({"sku":"SKU-1"})", t.staff).status == 200);
}

// --- products: update, delete, history ----------------------------------------------------------------------------

TEST_CASE("an update changes the fields sent and records a price only when the price changed", "[http][catalog]") {
    catalog_app t;
    const auto supplier_id = t.supplier(R"({"name":"Atlas"})");
    const auto id = t.product(R"({"name":"Stapler","sku":"STP-1","price":19.99,"description":"Sturdy",)"
                              R"("supplier_id":)" +
                              supplier_id + "}");
    const auto history = [&] { return t.get("/api/products/" + id + "/price_history").body; };

    t.app.clock.advance(5min);  // within the access token's 15 minutes
    auto renamed = t.send("PUT", "/api/products/" + id, R"({"name":"Heavy stapler","best_seller":true})", t.staff);
    REQUIRE(renamed.status == 200);
    CHECK(json_string(renamed.body, "name") == "Heavy stapler");
    CHECK(json_string(renamed.body, "sku") == "STP-1");
    CHECK(json_string(renamed.body, "description") == "Sturdy");
    CHECK(has(renamed.body, R"("price":19.99)"));
    CHECK(has(renamed.body, R"("best_seller":true)"));
    CHECK(json_string(renamed.body, "created_at") == "2026-11-22T00:00:00Z");
    CHECK(json_string(renamed.body, "updated_at") == "2026-11-22T00:05:00Z");
    CHECK(t.send("PUT", "/api/products/" + id, R"({"price":19.99})", t.staff).status == 200);
    CHECK(t.send("PUT", "/api/products/" + id, R"({"price":19.990,"currency":"USD"})", t.staff).status == 200);
    CHECK(count(history(), "\"price\":") == 1);

    t.app.clock.advance(5min);
    auto repriced = t.send("PUT", "/api/products/" + id, R"({"price":24.5})", t.staff);
    REQUIRE(repriced.status == 200);
    CHECK(has(repriced.body, R"("price":24.50)"));
    CHECK(history() == R"({"price_history":[{"price":24.50,"currency":"USD","recorded_at":"2026-11-22T00:10:00Z"},)"
                       R"({"price":19.99,"currency":"USD","recorded_at":"2026-11-22T00:00:00Z"}]})");

    // null clears the optional fields.
    auto cleared = t.send("PUT", "/api/products/" + id, R"({"description":null,"supplier_id":null})", t.staff);
    REQUIRE(cleared.status == 200);
    CHECK(has(cleared.body, R"("description":null)"));
    CHECK(has(cleared.body, R"("supplier_id":null)"));
    CHECK(count(history(), "\"price\":") == 2);
}

TEST_CASE("delete is soft: 204, the product stays readable and inactive", "[http][catalog]") {
    catalog_app t;
    const auto id = t.product(lamp);
    const auto other = t.product(product_body("OTHER"));
    t.app.clock.advance(1min);
    auto deleted = t.send("DELETE", "/api/products/" + id, "", t.staff);
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());

    auto read = t.get("/api/products/" + id);
    REQUIRE(read.status == 200);
    CHECK(has(read.body, R"("is_active":false)"));
    CHECK(json_string(read.body, "updated_at") == "2026-11-22T00:01:00Z");
    CHECK(t.get("/api/products/" + id + "/price_history").status == 200);

    auto inactive = t.get("/api/products?active=false");
    CHECK(has(inactive.body, R"("total_elements":1)"));
    CHECK(catalog_app::member(inactive.body, "id") == id);
    auto active = t.get("/api/products?active=true");
    CHECK(has(active.body, R"("total_elements":1)"));
    CHECK(catalog_app::member(active.body, "id") == other);
    CHECK(has(t.get("/api/products").body, R"("total_elements":2)"));

    CHECK(t.send("DELETE", "/api/products/" + id, "", t.admin).status == 204);  // again: still gone, still 204
    // A deleted product can be brought back by an update.
    auto revived = t.send("PUT", "/api/products/" + id, R"({"is_active":true})", t.staff);
    CHECK(has(revived.body, R"("is_active":true)"));
}

TEST_CASE("an unknown or non-numeric id is 404 on every route that takes one", "[http][catalog]") {
    catalog_app t;
    const auto id = t.product(lamp);
    const auto supplier_id = t.supplier(R"({"name":"Atlas"})");
    const auto unknown = std::to_string(std::stoll(id) + std::stoll(supplier_id) + 1000);
    for (const std::string& bad :
         {unknown, std::string("0"), std::string("-1"), std::string("abc"), std::string("1.5"), std::string("1e3"),
          std::string("%2B1"), std::string("99999999999999999999"), std::string("9223372036854775807")}) {
        INFO(bad);
        for (const std::string& target : {"/api/products/" + bad, "/api/products/" + bad + "/price_history",
                                          "/api/suppliers/" + bad, "/api/suppliers/" + bad + "/contacts"}) {
            auto r = t.get(target);
            CHECK(r.status == 404);
            CHECK(json_string(r.body, "code") == "not_found");
        }
        CHECK(t.send("PUT", "/api/products/" + bad, R"({"name":"x"})", t.staff).status == 404);
        CHECK(t.send("DELETE", "/api/products/" + bad, "", t.staff).status == 404);
        CHECK(t.send("PUT", "/api/suppliers/" + bad, R"({"name":"x"})", t.staff).status == 404);
    }
}

TEST_CASE("a route of the catalog answers 405 to a method it does not have", "[http][catalog]") {
    catalog_app t;
    auto r = t.send("PATCH", "/api/products/1", R"({"name":"x"})", t.staff);
    CHECK(r.status == 405);
    CHECK(r.header("Allow").value_or("").find("PUT") != std::string::npos);
    CHECK(t.send("DELETE", "/api/suppliers/1", "", t.staff).status == 405);
}

TEST_CASE("a catalog body that is not JSON is 400 malformed_json, a non-JSON content type 415", "[http][catalog]") {
    catalog_app t;
    auto r = t.send("POST", "/api/products", "{nope", t.staff);
    CHECK(r.status == 400);
    CHECK(json_string(r.body, "code") == "malformed_json");
    auto text = t.c.call("POST", "/api/suppliers", R"({"name":"x"})",
                         {{"Authorization", "Bearer " + t.staff}, {"Content-Type", "text/plain"}});
    CHECK(text.status == 415);
}

// --- products: the list -------------------------------------------------------------------------------------------

TEST_CASE("the product list filters by best seller, active and supplier, and pages", "[http][catalog]") {
    catalog_app t;
    const auto atlas = t.supplier(R"({"name":"Atlas"})");
    const auto northwind = t.supplier(R"({"name":"Northwind"})");
    // 25 products: every third a best seller (9), the first 10 Atlas's, the next 5 Northwind's; 2 deleted.
    std::vector<std::string> ids;
    for (int i = 0; i < 25; ++i) {
        std::string extra = i % 3 == 0 ? R"(,"best_seller":true)" : "";
        if (i < 10) extra += ",\"supplier_id\":" + atlas;
        else if (i < 15) extra += ",\"supplier_id\":" + northwind;
        ids.push_back(t.product(product_body("P-" + std::to_string(100 + i), extra)));
    }
    REQUIRE(t.send("DELETE", "/api/products/" + ids[0], "", t.staff).status == 204);   // Atlas, best seller
    REQUIRE(t.send("DELETE", "/api/products/" + ids[11], "", t.staff).status == 204);  // Northwind

    auto first = t.get("/api/products");
    REQUIRE(first.status == 200);
    CHECK(count(first.body, R"("sku":)") == 20);
    CHECK(has(first.body, R"("page":{"number":0,"size":20,"total_elements":25,"total_pages":2}})"));
    CHECK(catalog_app::member(first.body, "id") == ids[0]);  // by id

    auto second = t.get("/api/products?page=1");
    CHECK(count(second.body, R"("sku":)") == 5);
    CHECK(has(second.body, R"("page":{"number":1,"size":20,"total_elements":25,"total_pages":2}})"));
    CHECK(catalog_app::member(second.body, "id") == ids[20]);

    auto past = t.get("/api/products?page=7&size=10");
    REQUIRE(past.status == 200);
    CHECK(has(past.body, R"({"products":[],"page":{"number":7,"size":10,"total_elements":25,"total_pages":3}})"));

    const auto total = [&](const std::string& query) {
        auto r = t.get("/api/products?" + query);
        REQUIRE(r.status == 200);
        return catalog_app::member(r.body, "total_elements");
    };
    CHECK(total("best_seller=true") == "9");
    CHECK(total("best_seller=false") == "16");
    CHECK(total("active=true") == "23");
    CHECK(total("active=false") == "2");
    CHECK(total("supplier_id=" + atlas) == "10");
    CHECK(total("supplier_id=" + northwind) == "5");
    CHECK(total("supplier_id=987654") == "0");
    CHECK(total("best_seller=true&active=true&supplier_id=" + atlas) == "3");  // 3, 6, 9
    CHECK(total("best_seller=&active=&supplier_id=&page=&size=") == "25");     // empty values filter nothing

    auto small = t.get("/api/products?best_seller=true&size=4&page=2");
    CHECK(count(small.body, R"("sku":)") == 1);
    CHECK(has(small.body, R"("page":{"number":2,"size":4,"total_elements":9,"total_pages":3}})"));
    CHECK(t.get("/api/products?size=1").body.find(R"("total_pages":25)") != std::string::npos);
    CHECK(t.get("/api/products?size=100").body.find(R"("total_pages":1)") != std::string::npos);
}

TEST_CASE("a bad list parameter is 400 naming it", "[http][catalog]") {
    catalog_app t;
    const std::vector<std::pair<std::string, strings>> cases{
        {"size=0", {"size"}},
        {"size=101", {"size"}},
        {"size=ten", {"size"}},
        {"page=-1", {"page"}},
        {"page=1.5", {"page"}},
        {"page=1000000001", {"page"}},
        {"page=9223372036854775807", {"page"}},
        {"best_seller=yes", {"best_seller"}},
        {"active=1", {"active"}},
        {"supplier_id=abc", {"supplier_id"}},
        {"best_seller=maybe&supplier_id=x", {"best_seller", "supplier_id"}},
        {"page=-1&size=500", {"page", "size"}},
    };
    for (const auto& [query, names] : cases) {
        INFO(query);
        auto r = t.get("/api/products?" + query);
        REQUIRE(r.status == 400);
        CHECK(json_string(r.body, "code") == "validation_failed");
        CHECK(fields(r) == names);
    }
}

TEST_CASE("the price history of an unknown product is 404", "[http][catalog]") {
    catalog_app t;
    auto r = t.get("/api/products/4242/price_history");
    CHECK(r.status == 404);
    CHECK(json_string(r.body, "code") == "not_found");
}

// --- suppliers ----------------------------------------------------------------------------------------------------

TEST_CASE("staff creates a supplier with its contacts in one request: 201", "[http][catalog][suppliers]") {
    catalog_app t;
    auto r = t.send("POST", "/api/suppliers",
                    R"({"name":"Atlas Office Supply","email":"orders@atlas.example","phone":"+212 522 000 111",)"
                    R"("address":"12 Rue Ibn Batouta, Casablanca","contacts":[)"
                    R"({"name":"Nadia Tazi","email":"nadia@atlas.example","phone":"+212 661 000 111","role":"Sales"},)"
                    R"({"name":"Omar"}]})",
                    t.staff);
    REQUIRE(r.status == 201);
    const auto id = catalog_app::member(r.body, "id");
    CHECK(r.header("Location") == "/api/suppliers/" + id);
    CHECK(has(r.body, R"({"id":)" + id +
                          R"(,"name":"Atlas Office Supply","email":"orders@atlas.example",)"
                          R"("phone":"+212 522 000 111","address":"12 Rue Ibn Batouta, Casablanca",)"
                          R"("created_at":"2026-11-22T00:00:00Z","updated_at":"2026-11-22T00:00:00Z","contacts":[)"));
    CHECK(has(r.body, R"(,"supplier_id":)" + id +
                          R"(,"name":"Nadia Tazi","email":"nadia@atlas.example",)"
                          R"("phone":"+212 661 000 111","role":"Sales"})"));
    CHECK(has(r.body, R"(,"supplier_id":)" + id + R"(,"name":"Omar","email":null,"phone":null,"role":null})"));

    auto detail = t.get("/api/suppliers/" + id);
    REQUIRE(detail.status == 200);
    CHECK(detail.body == r.body);

    auto contacts = t.get("/api/suppliers/" + id + "/contacts");
    REQUIRE(contacts.status == 200);
    CHECK(contacts.body.rfind(R"({"contacts":[{"id":)", 0) == 0);
    CHECK(count(contacts.body, "\"supplier_id\":" + id) == 2);
    CHECK(contacts.body.find("Nadia Tazi") < contacts.body.find("Omar"));

    auto list = t.get("/api/suppliers");
    REQUIRE(list.status == 200);
    CHECK(list.body.rfind(R"({"suppliers":[{"id":)", 0) == 0);
    CHECK_FALSE(has(list.body, "contacts"));

    auto none = t.supplier(R"({"name":"Northwind"})");
    CHECK(t.get("/api/suppliers/" + none + "/contacts").body == R"({"contacts":[]})");
}

TEST_CASE("suppliers are listed by name", "[http][catalog][suppliers]") {
    catalog_app t;
    CHECK(t.get("/api/suppliers").body == R"({"suppliers":[]})");
    t.supplier(R"({"name":"Northwind"})");
    t.supplier(R"({"name":"Atlas"})");
    t.supplier(R"({"name":"Lumière"})");
    const auto body = t.get("/api/suppliers").body;
    CHECK(body.find("Atlas") < body.find("Lumière"));
    CHECK(body.find("Lumière") < body.find("Northwind"));
}

TEST_CASE("one bad contact refuses the whole supplier: 400 and nothing created", "[http][catalog][suppliers]") {
    catalog_app t;
    auto r = t.send("POST", "/api/suppliers",
                    R"({"name":"Atlas","contacts":[{"name":"Nadia"},{"email":"not-an-email","role":"x"}]})", t.staff);
    REQUIRE(r.status == 400);
    CHECK(json_string(r.body, "code") == "validation_failed");
    CHECK(fields(r) == strings{"contacts[1].name", "contacts[1].email"});
    CHECK(t.get("/api/suppliers").body == R"({"suppliers":[]})");

    auto types = t.send("POST", "/api/suppliers", R"({"name":"Atlas","contacts":[{"name":5,"phone":true}]})", t.staff);
    REQUIRE(types.status == 400);
    CHECK(fields(types) == strings{"contacts[0].name", "contacts[0].phone"});
    CHECK(has(types.body, R"({"field":"contacts[0].name","message":"must be a string"})"));

    for (const std::string contacts : {R"("x")", "[1]", R"({"name":"a"})"}) {
        auto shape = t.send("POST", "/api/suppliers", R"({"name":"Atlas","contacts":)" + contacts + "}", t.staff);
        REQUIRE(shape.status == 400);
        CHECK(has(shape.body, R"({"field":"contacts","message":"must be an array of objects"})"));
    }
    CHECK(t.get("/api/suppliers").body == R"({"suppliers":[]})");
}

TEST_CASE("supplier validation lists every bad field", "[http][catalog][suppliers]") {
    catalog_app t;
    auto missing = t.send("POST", "/api/suppliers", "{}", t.staff);
    REQUIRE(missing.status == 400);
    CHECK(fields(missing) == strings{"name"});
    CHECK(has(missing.body, R"({"field":"name","message":"is required"})"));

    auto bad = t.send("POST", "/api/suppliers",
                      R"({"name":" ","email":"nope","phone":"","address":")" + std::string(501, 'a') + R"("})",
                      t.staff);
    REQUIRE(bad.status == 400);
    CHECK(fields(bad) == strings{"name", "email", "phone", "address"});

    auto types = t.send("POST", "/api/suppliers", R"({"name":1,"email":2,"phone":3,"address":4})", t.staff);
    REQUIRE(types.status == 400);
    CHECK(fields(types) == strings{"name", "email", "phone", "address"});
}

TEST_CASE("a supplier update changes the fields sent: 200, 400, 404", "[http][catalog][suppliers]") {
    catalog_app t;
    const auto id = t.supplier(
        R"({"name":"Atlas","email":"orders@atlas.example","phone":"+212 522","contacts":[{"name":"Nadia"}]})");
    t.app.clock.advance(5min);  // within the access token's 15 minutes
    auto r = t.send("PUT", "/api/suppliers/" + id,
                    R"({"name":"Atlas Office Supply","phone":null,"address":"Casablanca"})", t.staff);
    REQUIRE(r.status == 200);
    CHECK(has(r.body, R"("name":"Atlas Office Supply","email":"orders@atlas.example","phone":null,)"
                      R"("address":"Casablanca","created_at":"2026-11-22T00:00:00Z",)"
                      R"("updated_at":"2026-11-22T00:05:00Z")"));
    CHECK(has(r.body, R"("name":"Nadia")"));  // the contacts come along, unchanged
    CHECK(t.get("/api/suppliers/" + id).body == r.body);

    // What a client read may be sent back whole: id, timestamps and contacts are read-only and ignored.
    CHECK(t.send("PUT", "/api/suppliers/" + id, r.body, t.admin).status == 200);
    CHECK(count(t.get("/api/suppliers/" + id + "/contacts").body, "\"name\":") == 1);

    auto bad = t.send("PUT", "/api/suppliers/" + id, R"({"name":"","email":"nope"})", t.staff);
    REQUIRE(bad.status == 400);
    CHECK(fields(bad) == strings{"name", "email"});
    CHECK(json_string(t.get("/api/suppliers/" + id).body, "name") == "Atlas Office Supply");

    CHECK(t.send("PUT", "/api/suppliers/987654", R"({"name":"x"})", t.staff).status == 404);
}

// --- seed ---------------------------------------------------------------------------------------------------------

TEST_CASE("the seed adds suppliers with contacts and products, some best sellers, and twice is harmless",
          "[http][catalog][seed]") {
    catalog_app t;
    std::ostringstream first, second;
    t.app.app->seed(first);
    CHECK(has(first.str(), "catalog: 3 suppliers and 8 products created"));
    const auto suppliers = t.get("/api/suppliers").body;
    const auto products = t.get("/api/products?size=100").body;
    CHECK(count(suppliers, "\"id\":") == 3);
    CHECK(has(products, R"("total_elements":8)"));
    CHECK(has(t.get("/api/products?best_seller=true").body, R"("total_elements":4)"));
    const auto atlas = catalog_app::member(suppliers, "id");
    CHECK(count(t.get("/api/suppliers/" + atlas + "/contacts").body, "\"name\":") >= 1);

    t.app.app->seed(second);
    CHECK(has(second.str(), "catalog: 0 suppliers and 0 products created"));
    CHECK(t.get("/api/suppliers").body == suppliers);
    CHECK(t.get("/api/products?size=100").body == products);
}
