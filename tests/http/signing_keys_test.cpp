// Asymmetric access tokens over real sockets, on every backend: the key made at first start signs, the JWKS publishes
// it, a rotation keeps earlier tokens valid until their key expires, two instances on one database agree, and HS256
// deployments have no key pairs.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "adapters/crypto/key_ring.hpp"
#include "core/common/encoding.hpp"
#include "tests/http/app_fixture.hpp"

using namespace authd;
using namespace authd::test;

namespace {
bool has(const std::string& body, const std::string& part) { return body.find(part) != std::string::npos; }

app::config eddsa_config() {
    auto c = test_config();
    c.jwt_algorithm = "EdDSA";
    return c;
}

/// The kid in the header of `token`.
std::string kid_of(const std::string& token) {
    const auto header = base64url_decode(token.substr(0, token.find('.'))).value_or("");
    return json_string(header, "kid");
}
}  // namespace

TEST_CASE("with EdDSA the first start makes a key, tokens name it, and the JWKS publishes it with a cache lifetime",
          "[http][keys]") {
    running_app t(eddsa_config());
    auto c = t.client();
    const auto token = sign_in_with_roles(c, t, "admin@example.com", {"admin"});
    const auto kid = kid_of(token);
    REQUIRE_FALSE(kid.empty());
    CHECK(c.get("/api/auth/me", token).status == 200);

    auto jwks = c.get("/.well-known/jwks.json");
    REQUIRE(jwks.status == 200);
    CHECK(jwks.header("Cache-Control") == std::optional<std::string>("public, max-age=300"));
    CHECK(has(jwks.body, R"("kty":"OKP","crv":"Ed25519")"));
    CHECK(has(jwks.body, R"("kid":")" + kid + R"(","alg":"EdDSA","use":"sig")"));
    CHECK_FALSE(has(jwks.body, R"("d":)"));

    auto keys = c.get("/api/admin/keys", token);
    REQUIRE(keys.status == 200);
    CHECK(has(keys.body, R"("kid":")" + kid + R"(","algorithm":"EdDSA","state":"active")"));
    CHECK(has(keys.body, R"("retiredAt":null)"));
}

TEST_CASE("a rotation signs new tokens with a new key, and earlier tokens verify until their key expires",
          "[http][keys][audit]") {
    running_app t(eddsa_config());
    auto c = t.client();
    const auto admin = sign_in_with_roles(c, t, "admin@example.com", {"admin"});
    const auto first = kid_of(admin);
    CHECK(c.post("/api/admin/keys/rotate", "", sign_in_with_roles(c, t, "cleo@example.com", {"customer"})).status ==
          403);

    auto rotated = c.post("/api/admin/keys/rotate", "", admin);
    REQUIRE(rotated.status == 200);
    const auto second = json_string(rotated.body, "kid");
    CHECK(second != first);
    CHECK(c.get("/api/auth/me", admin).status == 200);  // signed by the retired key
    const auto later = c.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    REQUIRE(later.status == 200);
    const auto fresh = json_string(later.body, "accessToken");
    CHECK(kid_of(fresh) == second);

    auto jwks = c.get("/.well-known/jwks.json").body;
    CHECK(has(jwks, first));
    CHECK(has(jwks, second));
    CHECK(
        has(c.get("/api/admin/keys", fresh).body, R"("kid":")" + first + R"(","algorithm":"EdDSA","state":"retired")"));
    CHECK(has(c.get("/api/admin/audit?type=signing_key_rotated", fresh).body, "kid " + second));

    // A day and more later the first key has expired: at the next reading of the keys (here the next rotation's) it
    // leaves the JWKS and the list says so; the second, retired just now, stays.
    t.clock.advance(std::chrono::hours{25});
    const auto next_day = c.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    REQUIRE(next_day.status == 200);
    const auto admin_now = json_string(next_day.body, "accessToken");
    REQUIRE(c.post("/api/admin/keys/rotate", "", admin_now).status == 200);
    jwks = c.get("/.well-known/jwks.json").body;
    CHECK_FALSE(has(jwks, first));
    CHECK(has(jwks, second));
    CHECK(has(c.get("/api/admin/keys", admin_now).body,
              R"("kid":")" + first + R"(","algorithm":"EdDSA","state":"expired")"));
}

TEST_CASE("two instances on one database sign with one key, and a key rotated on one verifies on the other",
          "[http][keys]") {
    // SQLite's scratch database lives in one process's memory: on SQLite both share a file instead.
    const auto file =
        std::filesystem::temp_directory_path() /
        ("authd-keys-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".db");
    struct removed {
        std::filesystem::path path;
        ~removed() {
            for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
        }
    } cleanup{file};
    auto config_a = eddsa_config();
    const char* backend = std::getenv("AUTHD_TEST_BACKEND");
    const bool on_sqlite = !backend || std::string(backend).empty() || std::string(backend) == "sqlite";
    if (on_sqlite) config_a.database_url = "sqlite:///" + file.string();  // sqlite:////abs/path
    running_app a(config_a);
    auto config_b = eddsa_config();
    config_b.database_url = on_sqlite ? config_a.database_url : a.database.url();
    running_app b(config_b);
    auto ca = a.client();
    auto cb = b.client();
    const auto admin = sign_in_with_roles(ca, a, "admin@example.com", {"admin"});
    const auto before = cb.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    REQUIRE(before.status == 200);
    const auto minted_on_b = json_string(before.body, "accessToken");
    CHECK(kid_of(minted_on_b) == kid_of(admin));  // one active key for both

    REQUIRE(ca.post("/api/admin/keys/rotate", "", admin).status == 200);
    const auto after = ca.post("/api/auth/login", R"({"email":"admin@example.com","password":"correct-horse"})");
    REQUIRE(after.status == 200);
    const auto minted_on_a = json_string(after.body, "accessToken");
    CHECK(kid_of(minted_on_a) != kid_of(admin));
    // B has not read the new key yet: the unknown kid makes it read the keys again.
    CHECK(cb.get("/api/auth/me", minted_on_a).status == 200);
    CHECK(cb.get("/api/auth/me", minted_on_b).status == 200);
    CHECK(ca.get("/api/auth/me", minted_on_b).status == 200);
}

TEST_CASE("with HS256 the JWKS is empty and there is no key to list or rotate", "[http][keys]") {
    running_app t;
    auto c = t.client();
    const auto admin = sign_in_with_roles(c, t, "admin@example.com", {"admin"});
    CHECK(kid_of(admin).empty());
    CHECK(c.get("/.well-known/jwks.json").body == R"({"keys":[]})");
    auto list = c.get("/api/admin/keys", admin);
    CHECK(list.status == 409);
    CHECK(json_string(list.body, "code") == "conflict");
    CHECK(c.post("/api/admin/keys/rotate", "", admin).status == 409);
}

TEST_CASE("with JWT_SIGNING_KEYS_DIR the operator's files sign and are published, and authd makes or rotates none",
          "[http][keys]") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("authd-keyfiles-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir);
    struct removed {
        std::filesystem::path path;
        ~removed() { std::filesystem::remove_all(path); }
    } cleanup{dir};
    std::ofstream(dir / "2026-12-01.pem") << crypto::openssl_key_pair_maker().make("ES256").private_pem;
    auto cfg = test_config();
    cfg.jwt_algorithm = "ES256";
    cfg.jwt_signing_keys_dir = dir.string();
    running_app t(cfg);
    auto c = t.client();
    const auto admin = sign_in_with_roles(c, t, "admin@example.com", {"admin"});
    CHECK(kid_of(admin) == "2026-12-01");
    CHECK(c.get("/api/auth/me", admin).status == 200);
    const auto jwks = c.get("/.well-known/jwks.json").body;
    CHECK(has(jwks, R"("kid":"2026-12-01","alg":"ES256","use":"sig")"));
    // No key of authd's own: none in the database, nothing to list or rotate here.
    std::size_t stored = 1;
    t.app->store().read([&](repositories& r) { stored = r.signing_keys.list().size(); });
    CHECK(stored == 0);
    CHECK(c.get("/api/admin/keys", admin).status == 409);
    CHECK(c.post("/api/admin/keys/rotate", "", admin).status == 409);
}
