// The agent and OTP repositories' contracts, the same on every backend.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "tests/storage/backend.hpp"

using namespace authd;
using namespace authd::test;
using namespace std::chrono_literals;

namespace {
const time_point t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22} + std::chrono::hours{9}};
const std::string phone = "+212612345678";

agent sample(std::string id, std::string phone_number, std::string email, std::string license) {
    agent a;
    a.id = std::move(id);
    a.phone_number = std::move(phone_number);
    a.country_code = "+212";
    a.first_name = "Youssef";
    a.last_name = "Alami";
    a.email = std::move(email);
    a.license_number = std::move(license);
    a.created_at = a.updated_at = t0;
    return a;
}
const std::string id1 = "11111111-1111-4111-8111-111111111111";
const std::string id2 = "22222222-2222-4222-8222-222222222222";

otp_code code(std::string id, time_point at, std::string digest = std::string(64, 'c')) {
    return otp_code{std::move(id), phone, std::move(digest), delivery_method::sms, at, at + 5min, std::nullopt};
}
std::string cid(int n) { return "cccccccc-cccc-4ccc-8ccc-00000000000" + std::to_string(n); }
}  // namespace

TEST_CASE("an agent round-trips and is found by id, phone, e-mail and license", "[contract][agents]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.agents.insert(sample(id1, phone, "y@example.com", "012345"))); });
    b.uow->read([&](repositories& r) {
        for (const auto& a : {r.agents.find_by_id(id1), r.agents.find_by_phone(phone),
                              r.agents.find_by_email("y@example.com"), r.agents.find_by_license("012345")}) {
            REQUIRE(a);
            CHECK(a->id == id1);
            CHECK(a->phone_number == phone);
            CHECK(a->country_code == "+212");
            CHECK(a->license_number == "012345");  // the leading zero survives
            CHECK_FALSE(a->agency_id);
            CHECK(a->status == agent_status::active);
            CHECK(a->created_at == t0);
        }
        CHECK_FALSE(r.agents.find_by_phone("+33612345678"));
    });
}

TEST_CASE("lock_by_id answers the agent inside a write, and nothing for an unknown id", "[contract][agents]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.agents.insert(sample(id1, phone, "y@example.com", "012345"))); });
    b.uow->write([&](repositories& r) {
        const auto a = r.agents.lock_by_id(id1);
        REQUIRE(a);
        CHECK(a->phone_number == phone);
        CHECK(a->status == agent_status::active);
        CHECK_FALSE(r.agents.lock_by_id("99999999-9999-4999-8999-999999999999"));
    });
}

TEST_CASE("a taken phone, e-mail or license number makes insert answer false", "[contract][agents]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { REQUIRE(r.agents.insert(sample(id1, phone, "y@example.com", "012345"))); });
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.agents.insert(sample(id2, phone, "z@example.com", "111111"))); });
    b.uow->write(
        [&](repositories& r) { CHECK_FALSE(r.agents.insert(sample(id2, "+33612345678", "y@example.com", "111111"))); });
    b.uow->write(
        [&](repositories& r) { CHECK_FALSE(r.agents.insert(sample(id2, "+33612345678", "z@example.com", "012345"))); });
    b.uow->read([&](repositories& r) { CHECK_FALSE(r.agents.find_by_id(id2)); });
}

TEST_CASE("update writes names, e-mail and status", "[contract][agents]") {
    backend_under_test b;
    auto a = sample(id1, phone, "y@example.com", "012345");
    b.uow->write([&](repositories& r) { REQUIRE(r.agents.insert(a)); });
    a.first_name = "Yo";
    a.email = "yo@example.com";
    a.status = agent_status::suspended;
    a.updated_at = t0 + 1h;
    b.uow->write([&](repositories& r) { r.agents.update(a); });
    b.uow->read([&](repositories& r) {
        auto found = r.agents.find_by_id(id1);
        CHECK(found->first_name == "Yo");
        CHECK(found->email == "yo@example.com");
        CHECK_FALSE(found->active());
        CHECK(found->updated_at == t0 + 1h);
    });
}

TEST_CASE("latest returns the newest code, void_open consumes every open one", "[contract][otp]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        CHECK_FALSE(r.otps.latest(phone));
        r.otps.insert(code(cid(1), t0));
        r.otps.insert(code(cid(2), t0 + 1min, std::string(64, 'd')));
    });
    b.uow->write([&](repositories& r) {
        auto latest = r.otps.latest(phone);
        REQUIRE(latest);
        CHECK(latest->id == cid(2));
        CHECK(latest->code_digest == std::string(64, 'd'));
        CHECK(latest->expires_at == t0 + 6min);
        CHECK_FALSE(latest->consumed_at);
        r.otps.void_open(phone, t0 + 2min);
        CHECK(r.otps.latest(phone)->consumed_at == t0 + 2min);
        CHECK_FALSE(r.otps.consume(cid(2), t0 + 3min));
    });
}

TEST_CASE("a code is consumed once, even by 16 concurrent callers", "[contract][otp][race]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) { r.otps.insert(code(cid(1), t0)); });
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            b.uow->write([&](repositories& r) {
                if (r.otps.consume(cid(1), t0 + 1min)) ++winners;
            });
        });
    for (auto& t : threads) t.join();
    CHECK(winners == 1);
}

TEST_CASE("a number's lockout starts empty, is saved and read back", "[contract][otp]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        CHECK(r.otps.read_lockout(phone).failures == 0);
        auto s = r.otps.lock_lockout(phone);
        CHECK(s.failures == 0);
        CHECK_FALSE(s.locked_until);
        r.otps.save_lockout(phone, {4, t0 + 15min}, t0);
    });
    b.uow->write([&](repositories& r) {
        auto s = r.otps.lock_lockout(phone);  // the row exists now: no duplicate key
        CHECK(s.failures == 4);
        CHECK(s.locked_until == t0 + 15min);
        CHECK(r.otps.read_lockout("+33612345678").failures == 0);
    });
}

TEST_CASE("16 concurrent failures on one number are all counted", "[contract][otp][race]") {
    backend_under_test b;
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i)
        threads.emplace_back([&] {
            b.uow->write([&](repositories& r) {
                auto s = r.otps.lock_lockout(phone);
                ++s.failures;
                r.otps.save_lockout(phone, s, t0);
            });
        });
    for (auto& t : threads) t.join();
    b.uow->read([&](repositories& r) { CHECK(r.otps.read_lockout(phone).failures == 16); });
}

TEST_CASE("update answers false when the new e-mail belongs to another agent", "[contract][agents]") {
    backend_under_test b;
    b.uow->write([&](repositories& r) {
        REQUIRE(r.agents.insert(sample(id1, phone, "y@example.com", "012345")));
        REQUIRE(r.agents.insert(sample(id2, "+33612345678", "z@example.com", "111111")));
    });
    auto z = sample(id2, "+33612345678", "y@example.com", "111111");
    b.uow->write([&](repositories& r) { CHECK_FALSE(r.agents.update(z)); });
    b.uow->read([&](repositories& r) { CHECK(r.agents.find_by_id(id2)->email == "z@example.com"); });
    z.email = "zz@example.com";
    b.uow->write([&](repositories& r) { CHECK(r.agents.update(z)); });
}
