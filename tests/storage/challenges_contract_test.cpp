// The contract of the client and MFA storage, the same on every backend: the users
// table's client and TOTP columns, MFA challenges, recovery codes, e-mail
// verifications, and the CLIENT outbox rows.
#include <catch2/catch.hpp>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const std::string id1 = "11111111-1111-4111-8111-111111111111";
const std::string id2 = "22222222-2222-4222-8222-222222222222";

user client(std::string id, std::string email) {
    user u;
    u.id = std::move(id);
    u.email = std::move(email);
    u.name = "Cléo Martin";
    u.first_name = "Cléo";
    u.last_name = "Martin";
    u.phone_number = "+33612345678";
    u.is_client = true;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    u.roles = {"customer"};
    u.created_at = u.updated_at = t0;
    return u;
}

/// Two clients, so that every test can check that one's rows leave the other's alone.
void two_clients(backend_under_test& b) {
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(client(id1, "cleo@example.com")));
        REQUIRE(r.users.insert(client(id2, "other@example.com")));
    });
}

mfa_challenge challenge(std::string digest, std::string user_id, std::optional<std::string> code) {
    const auto method = code ? factor_method::email : factor_method::totp;
    return mfa_challenge{std::move(digest), std::move(user_id), method, std::move(code), 0, t0,
                         t0 + 5min,         std::nullopt};
}
}  // namespace

TEST_CASE("a client's names, phone, TOTP seed and last step round-trip, and clear back to null",
          "[contract][clients]") {
    backend_under_test b;
    auto u = client(id1, "cleo@example.com");
    u.totp_secret = "v1.c2VhbGVkIHNlZWQ";
    u.totp_last_step = 58'000'000'123;  // beyond 32 bits: the column is BIGINT
    u.mfa_enabled = true;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(u)); });
    b.uow->read([&](repositories& r) {
        const auto found = r.users.find_by_id(id1);
        REQUIRE(found);
        CHECK(found->is_client);
        CHECK(found->first_name == "Cléo");
        CHECK(found->last_name == "Martin");
        CHECK(found->phone_number == "+33612345678");
        CHECK(found->totp_secret == "v1.c2VhbGVkIHNlZWQ");
        CHECK(found->totp_last_step == 58'000'000'123);
        CHECK(found->mfa_enabled);
    });
    u.totp_secret.reset();
    u.phone_number.reset();
    u.totp_last_step = 7;
    b.uow->write([&](repositories& r) { REQUIRE(r.users.update(u)); });
    b.uow->read([&](repositories& r) {
        const auto found = r.users.find_by_email("cleo@example.com");
        REQUIRE(found);
        CHECK_FALSE(found->totp_secret);
        CHECK_FALSE(found->phone_number);
        CHECK(found->totp_last_step == 7);
        CHECK(found->first_name == "Cléo");
    });
}

TEST_CASE("a user made without client fields reads back with them null and not a client", "[contract][clients]") {
    backend_under_test b;
    auto u = client(id1, "ana@example.com");
    u.is_client = false;
    u.first_name.reset();
    u.last_name.reset();
    u.phone_number.reset();
    b.uow->write([&](repositories& r) { REQUIRE(r.users.insert(u)); });
    b.uow->read([&](repositories& r) {
        const auto found = r.users.find_by_id(id1);
        REQUIRE(found);
        CHECK_FALSE(found->is_client);
        CHECK_FALSE(found->first_name);
        CHECK_FALSE(found->totp_secret);
        CHECK(found->totp_last_step == 0);
    });
}

TEST_CASE("an MFA challenge round-trips, counts its failures and ends", "[contract][mfa]") {
    backend_under_test b;
    two_clients(b);
    b.uow->write([&](repositories& r) {
        r.challenges.insert(challenge(std::string(64, 'a'), id1, std::string(64, 'c')));
        r.challenges.insert(challenge(std::string(64, 'b'), id1, std::nullopt));
    });
    b.uow->write([&](repositories& r) {
        auto c = r.challenges.lock(std::string(64, 'a'));
        REQUIRE(c);
        CHECK(c->user_id == id1);
        CHECK(c->method == factor_method::email);
        CHECK(c->code_digest == std::string(64, 'c'));
        CHECK(c->failures == 0);
        CHECK(c->created_at == t0);
        CHECK(c->expires_at == t0 + 5min);
        CHECK_FALSE(c->ended_at);
        c->failures = 3;
        c->ended_at = t0 + 1min;
        r.challenges.update(*c);
        const auto totp = r.challenges.lock(std::string(64, 'b'));
        REQUIRE(totp);
        CHECK(totp->method == factor_method::totp);
        CHECK_FALSE(totp->code_digest);
        CHECK_FALSE(r.challenges.lock(std::string(64, 'z')));
    });
    b.uow->read([&](repositories& r) {
        const auto c = r.challenges.lock(std::string(64, 'a'));
        REQUIRE(c);
        CHECK(c->failures == 3);
        CHECK(c->ended_at == t0 + 1min);
    });
}

TEST_CASE("end_challenges ends the user's open challenges only, keeping earlier end times", "[contract][mfa]") {
    backend_under_test b;
    two_clients(b);
    b.uow->write([&](repositories& r) {
        auto ended = challenge(std::string(64, 'a'), id1, std::nullopt);
        ended.ended_at = t0 + 1s;
        r.challenges.insert(ended);
        r.challenges.insert(challenge(std::string(64, 'b'), id1, std::nullopt));
        r.challenges.insert(challenge(std::string(64, 'c'), id2, std::nullopt));
        r.challenges.end_all(id1, t0 + 2min);
    });
    b.uow->read([&](repositories& r) {
        CHECK(r.challenges.lock(std::string(64, 'a'))->ended_at == t0 + 1s);
        CHECK(r.challenges.lock(std::string(64, 'b'))->ended_at == t0 + 2min);
        CHECK_FALSE(r.challenges.lock(std::string(64, 'c'))->ended_at);
    });
}

TEST_CASE("a recovery code is used once, by its own user, and replacing the set voids the old codes",
          "[contract][mfa]") {
    backend_under_test b;
    two_clients(b);
    const std::string d1(64, '1'), d2(64, '2'), d3(64, '3');
    b.uow->write([&](repositories& r) { r.recovery_codes.replace(id1, {d1, d2}, t0); });
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.recovery_codes.use(id2, d1, t0));  // another user's code
        CHECK(r.recovery_codes.use(id1, d1, t0));
        CHECK_FALSE(r.recovery_codes.use(id1, d1, t0 + 1s));  // used
        CHECK_FALSE(r.recovery_codes.use(id1, d3, t0));       // never issued
    });
    b.uow->write([&](repositories& r) { r.recovery_codes.replace(id1, {d3}, t0 + 1min); });
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.recovery_codes.use(id1, d2, t0 + 2min));
        CHECK(r.recovery_codes.use(id1, d3, t0 + 2min));
    });
    b.uow->write([&](repositories& r) { r.recovery_codes.replace(id1, {}, t0 + 3min); });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.recovery_codes.use(id1, d3, t0 + 4min)); });
}

TEST_CASE("e-mail verifications are found by digest, the newest per user, and ended together", "[contract][clients]") {
    backend_under_test b;
    two_clients(b);
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.verifications.latest(id1));
        r.verifications.insert({std::string(64, 'a'), id1, t0, t0 + 24h, std::nullopt});
        r.verifications.insert({std::string(64, 'b'), id1, t0 + 2min, t0 + 2min + 24h, std::nullopt});
        r.verifications.insert({std::string(64, 'c'), id2, t0 + 5min, t0 + 5min + 24h, std::nullopt});
    });
    b.uow->write([&](repositories& r) {
        const auto a = r.verifications.find(std::string(64, 'a'));
        REQUIRE(a);
        CHECK(a->user_id == id1);
        CHECK(a->created_at == t0);
        CHECK(a->expires_at == t0 + 24h);
        CHECK_FALSE(a->used_at);
        CHECK_FALSE(r.verifications.find(std::string(64, 'z')));
        CHECK(r.verifications.latest(id1)->token_digest == std::string(64, 'b'));
        r.verifications.end_all(id1, t0 + 3min);
    });
    b.uow->read([&](repositories& r) {
        CHECK(r.verifications.find(std::string(64, 'a'))->used_at == t0 + 3min);
        CHECK(r.verifications.find(std::string(64, 'b'))->used_at == t0 + 3min);
        CHECK_FALSE(r.verifications.find(std::string(64, 'c'))->used_at);
        // Used rows still count for the resend cooldown.
        CHECK(r.verifications.latest(id1)->token_digest == std::string(64, 'b'));
    });
}

TEST_CASE("removing a user removes its challenges, recovery codes and verifications", "[contract][clients]") {
    backend_under_test b;
    two_clients(b);
    b.uow->write([&](repositories& r) {
        r.challenges.insert(challenge(std::string(64, 'a'), id1, std::nullopt));
        r.recovery_codes.replace(id1, {std::string(64, '1')}, t0);
        r.verifications.insert({std::string(64, 'v'), id1, t0, t0 + 24h, std::nullopt});
        r.challenges.insert(challenge(std::string(64, 'b'), id2, std::nullopt));
        REQUIRE(r.users.remove(id1));
    });
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.challenges.lock(std::string(64, 'a')));
        CHECK_FALSE(r.verifications.find(std::string(64, 'v')));
        CHECK_FALSE(r.recovery_codes.use(id1, std::string(64, '1'), t0));
        CHECK(r.challenges.lock(std::string(64, 'b')));
    });
}

TEST_CASE("client outbox rows name the client and carry its JSON, never its secrets", "[contract][outbox][clients]") {
    backend_under_test b;
    auto u = client(id1, "cleo@example.com");
    u.totp_secret = "v1.c2VhbGVkIHNlZWQ";
    b.uow->write([&](repositories& r) {
        REQUIRE(r.users.insert(u));
        r.outbox.add_client_change("client.registered", u, t0);
    });
    std::vector<outbox_message> rows;
    b.uow->write([&](repositories& r) { rows = r.outbox.next_unprocessed(10); });
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].aggregate_type == "CLIENT");
    CHECK(rows[0].aggregate_id == id1);
    CHECK(rows[0].event_type == "client.registered");
    CHECK(rows[0].created_at == t0);
    if (b.soci) {  // SQL backends keep the client's JSON
        const auto& payload = rows[0].payload;
        CHECK(payload.find("cleo@example.com") != std::string::npos);
        CHECK(payload.find("\"email_verified\"") != std::string::npos);
        CHECK(payload.find("argon2id") == std::string::npos);
        CHECK(payload.find("c2VhbGVkIHNlZWQ") == std::string::npos);
    }
}
