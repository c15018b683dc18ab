#include "core/agents/agent_service.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "tests/support/fakes.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
struct fixture {
    test::fake_clock clock;
    test::counting_random rng;
    test::memory_store store;
    agent_service agents{store, rng, clock};

    /// The agent as the token of a sign-in made just now shows it.
    principal signed_in(const std::string& id) {
        return principal{id, principal_type::agent, "0b7f3a52-9a8e-4a5c-8d5e-2f1c7e6b9a10",
                         {}, clock.now() + 24h,     clock.now()};
    }
};

agent_registration amina() { return {"0612345678", "+212", "Amina", "Benali", "Amina.Benali@Example.com"}; }
agent_registration louis() { return {"6 12 34 56 78", "+33", "Louis", "Martin", "louis@example.fr"}; }

bool is_six_digits(const std::string& s) {
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field);
    return out;
}
}  // namespace

TEST_CASE("registration stores the phone in E.164, the e-mail lower-cased, and an active agent", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    CHECK(created->id.size() == 36);
    CHECK(created->phone_number == "+212612345678");
    CHECK(created->country_code == "+212");
    CHECK(created->first_name == "Amina");
    CHECK(created->last_name == "Benali");
    CHECK(created->email == "amina.benali@example.com");
    CHECK(created->status == agent_status::active);
    CHECK_FALSE(created->agency_id);
    CHECK(created->created_at == f.clock.now());
    CHECK(created->updated_at == f.clock.now());

    const auto stored = f.store.snapshot().agents;
    REQUIRE(stored.size() == 1);
    CHECK(stored.begin()->second.phone_number == "+212612345678");
    CHECK(stored.begin()->second.email == "amina.benali@example.com");
}

TEST_CASE("a French agent is stored with +33", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(louis());
    REQUIRE(created.ok());
    CHECK(created->phone_number == "+33612345678");
    CHECK(created->country_code == "+33");
}

TEST_CASE("registration assigns a license number of 6 digits", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    CHECK(is_six_digits(created->license_number));
}

TEST_CASE("many agents get distinct license numbers", "[core][agents]") {
    fixture f;
    std::set<std::string> licenses;
    constexpr int count = 300;
    for (int i = 0; i < count; ++i) {
        const std::string national = "6" + std::to_string(10000000 + i);  // 9 digits
        const auto created = f.agents.register_agent({national, i % 2 ? "+33" : "+212", "Agent", std::to_string(i),
                                                      "agent" + std::to_string(i) + "@example.com"});
        REQUIRE(created.ok());
        CHECK(is_six_digits(created->license_number));
        licenses.insert(created->license_number);
    }
    CHECK(licenses.size() == count);
}

TEST_CASE("an agent registration lists every bad field at once", "[core][agents]") {
    fixture f;
    const auto bad = f.agents.register_agent({"12345", "+212", "", "   ", "not-an-email"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errc::validation_failed);
    CHECK(fields_of(bad.error()) == std::vector<std::string>{"phone_number", "first_name", "last_name", "email"});
    CHECK(f.store.snapshot().agents.empty());
}

TEST_CASE("a country other than Morocco or France is refused, naming country_code", "[core][agents]") {
    fixture f;
    for (const std::string country : {"+1", "+44", "", "212", "+2120"}) {
        auto r = amina();
        r.country_code = country;
        const auto bad = f.agents.register_agent(r);
        REQUIRE_FALSE(bad.ok());
        CHECK(bad.error().code == errc::validation_failed);
        CHECK(fields_of(bad.error()) == std::vector<std::string>{"country_code"});
    }
}

TEST_CASE("each bad field alone is named alone", "[core][agents]") {
    fixture f;
    SECTION("phone_number") {
        for (const std::string phone : {"61234567", "6123456789", "0012345678", "06123a5678", "", "+33612345678"}) {
            auto r = amina();
            r.phone_number = phone;
            const auto bad = f.agents.register_agent(r);
            REQUIRE_FALSE(bad.ok());
            CHECK(fields_of(bad.error()) == std::vector<std::string>{"phone_number"});
        }
    }
    SECTION("first_name") {
        auto r = amina();
        r.first_name = std::string(101, 'a');
        CHECK(fields_of(f.agents.register_agent(r).error()) == std::vector<std::string>{"first_name"});
    }
    SECTION("last_name") {
        auto r = amina();
        r.last_name = "";
        CHECK(fields_of(f.agents.register_agent(r).error()) == std::vector<std::string>{"last_name"});
    }
    SECTION("email") {
        for (const std::string email : {"", "amina", "amina@", "@example.com", "amina@example", "a b@example.com"}) {
            auto r = amina();
            r.email = email;
            const auto bad = f.agents.register_agent(r);
            REQUIRE_FALSE(bad.ok());
            CHECK(fields_of(bad.error()) == std::vector<std::string>{"email"});
        }
    }
    CHECK(f.store.snapshot().agents.empty());
}

TEST_CASE("a phone number can be registered once, however it is written: 409 phone_taken", "[core][agents]") {
    fixture f;
    REQUIRE(f.agents.register_agent(amina()).ok());
    auto again = amina();
    again.phone_number = "+212 612 345 678";
    again.email = "other@example.com";
    const auto taken = f.agents.register_agent(again);
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::phone_taken);
    CHECK(f.store.snapshot().agents.size() == 1);
}

TEST_CASE("an e-mail can be registered once, whatever its case: 409 email_taken", "[core][agents]") {
    fixture f;
    REQUIRE(f.agents.register_agent(amina()).ok());
    auto again = louis();
    again.email = "AMINA.BENALI@example.COM";
    const auto taken = f.agents.register_agent(again);
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::email_taken);
    CHECK(f.store.snapshot().agents.size() == 1);
}

TEST_CASE("find answers the agent by id, and not_found for an unknown id", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    const auto found = f.agents.find(created->id);
    REQUIRE(found.ok());
    CHECK(found->license_number == created->license_number);
    CHECK(f.agents.find("no-such-id").error().code == errc::not_found);
}

TEST_CASE("update_profile changes the names and the e-mail, and moves updated_at", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    f.clock.advance(1h);
    const auto updated =
        f.agents.update_profile(f.signed_in(created->id), {"Amina-Rose", "El Idrissi", "New@Example.com"});
    REQUIRE(updated.ok());
    CHECK(updated->first_name == "Amina-Rose");
    CHECK(updated->last_name == "El Idrissi");
    CHECK(updated->email == "new@example.com");
    CHECK(updated->created_at == created->created_at);
    CHECK(updated->updated_at == created->created_at + 1h);

    const auto stored = f.agents.find(created->id);
    REQUIRE(stored.ok());
    CHECK(stored->first_name == "Amina-Rose");
    CHECK(stored->email == "new@example.com");
}

TEST_CASE("update_profile leaves the fields it is not given, the license number and the phone unchanged",
          "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    const auto updated = f.agents.update_profile(f.signed_in(created->id), {std::nullopt, "Alaoui", std::nullopt});
    REQUIRE(updated.ok());
    CHECK(updated->first_name == "Amina");
    CHECK(updated->last_name == "Alaoui");
    CHECK(updated->email == created->email);
    CHECK(updated->license_number == created->license_number);
    CHECK(updated->phone_number == created->phone_number);
    CHECK(updated->country_code == created->country_code);
    CHECK(updated->status == agent_status::active);
}

TEST_CASE("update_profile refuses another agent's e-mail with email_taken and keeps its own", "[core][agents]") {
    fixture f;
    const auto a = f.agents.register_agent(amina());
    const auto b = f.agents.register_agent(louis());
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    const auto taken =
        f.agents.update_profile(f.signed_in(b->id), {"Changed", std::nullopt, "Amina.Benali@example.com"});
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code == errc::email_taken);
    const auto unchanged = f.agents.find(b->id);
    REQUIRE(unchanged.ok());
    CHECK(unchanged->email == "louis@example.fr");
    CHECK(unchanged->first_name == "Louis");  // nothing of the refused change was written

    // Its own e-mail, in another case, is no conflict.
    const auto same =
        f.agents.update_profile(f.signed_in(a->id), {std::nullopt, std::nullopt, "AMINA.BENALI@EXAMPLE.COM"});
    REQUIRE(same.ok());
    CHECK(same->email == "amina.benali@example.com");
}

TEST_CASE("update_profile lists every bad field", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    const auto bad = f.agents.update_profile(f.signed_in(created->id), {"", std::string(101, 'x'), "nope"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == errc::validation_failed);
    CHECK(fields_of(bad.error()) == std::vector<std::string>{"first_name", "last_name", "email"});
}

TEST_CASE("update_profile of an unknown agent is not_found", "[core][agents]") {
    fixture f;
    const auto missing = f.agents.update_profile(f.signed_in("no-such-id"), {"A", std::nullopt, std::nullopt});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == errc::not_found);
}

TEST_CASE("a new e-mail needs a sign-in within the reauthentication window, other changes do not", "[core][agents]") {
    fixture f;
    const auto created = f.agents.register_agent(amina());
    REQUIRE(created.ok());
    const auto token = f.signed_in(created->id);
    f.clock.advance(10min + 1s);  // a stolen token, used later
    const auto moved = f.agents.update_profile(token, {std::nullopt, std::nullopt, "thief@example.com"});
    REQUIRE_FALSE(moved.ok());
    CHECK(moved.error().code == errc::reauthentication_required);
    CHECK(f.agents.find(created->id)->email == created->email);
    CHECK(f.agents.update_profile(token, {"Amina-Rose", std::nullopt, std::nullopt}).ok());
    CHECK(f.agents.update_profile(token, {std::nullopt, std::nullopt, created->email}).ok());  // unchanged: no check
    CHECK(f.agents.update_profile(f.signed_in(created->id), {std::nullopt, std::nullopt, "new@example.com"}).ok());
}
