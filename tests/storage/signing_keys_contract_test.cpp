// The signing keys' table on every backend: keys come back whole, oldest first; retiring touches only the active keys
// of one algorithm.
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0 = std::chrono::floor<seconds>(std::chrono::system_clock::now());

stored_signing_key key(const std::string& kid, const std::string& alg, time_point made) {
    return stored_signing_key{
        kid,  alg,         "-----BEGIN PUBLIC KEY-----\n" + kid + "\n-----END PUBLIC KEY-----\n", "v2.sealed-" + kid,
        made, std::nullopt};
}
}  // namespace

TEST_CASE("signing keys round-trip every field, oldest first", "[contract][keys]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.signing_keys.insert(key("k2", "EdDSA", t0));
        r.signing_keys.insert(key("k1", "EdDSA", t0 - 1h));
    });
    b.uow->read([&](repositories& r) {
        const auto all = r.signing_keys.list();
        REQUIRE(all.size() == 2);
        CHECK(all[0].kid == "k1");
        CHECK(all[1].kid == "k2");
        CHECK(all[1].algorithm == "EdDSA");
        CHECK(all[1].public_pem == key("k2", "EdDSA", t0).public_pem);
        CHECK(all[1].sealed_private == "v2.sealed-k2");
        CHECK(all[1].created_at == t0);
        CHECK_FALSE(all[1].retired_at);
    });
}

TEST_CASE("retiring ends the active keys of one algorithm only, once", "[contract][keys]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        r.signing_keys.insert(key("k1", "EdDSA", t0 - 2h));
        r.signing_keys.insert(key("k2", "ES256", t0 - 1h));
        CHECK(r.signing_keys.retire_active("EdDSA", t0 - 30min) == 1);
        r.signing_keys.insert(key("k3", "EdDSA", t0 - 30min));
        CHECK(r.signing_keys.retire_active("EdDSA", t0) == 1);  // k3 only: k1 keeps its retirement time
    });
    b.uow->read([&](repositories& r) {
        const auto all = r.signing_keys.list();
        REQUIRE(all.size() == 3);
        CHECK(all[0].retired_at == std::optional<time_point>(t0 - 30min));
        CHECK_FALSE(all[1].retired_at);  // another algorithm
        CHECK(all[2].retired_at == std::optional<time_point>(t0));
    });
}

TEST_CASE("a signing key's id is unique", "[contract][keys]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { r.signing_keys.insert(key("k1", "EdDSA", t0)); });
    CHECK_THROWS(b.uow->write([&](repositories& r) { r.signing_keys.insert(key("k1", "EdDSA", t0)); }));
}
