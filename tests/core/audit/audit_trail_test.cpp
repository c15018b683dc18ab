#include "core/audit/audit_trail.hpp"

#include <catch2/catch.hpp>

#include "core/users/user_admin_service.hpp"
#include "tests/support/identity_fixture.hpp"

using namespace authd;
using namespace std::chrono_literals;

namespace {
const std::string unknown_id = "99999999-9999-4999-8999-999999999999";

struct fixture : test::identity_fixture {
    user_admin_service admin{store, tokens, clock};
    audit_trail trail{store};

    /// An active admin account, as the principal its token would prove.
    principal make_admin(const std::string& email) {
        const auto u = registered(email);
        store.write([&](repositories& r) { r.users.set_roles(u.id, {"admin"}); });
        return principal{u.id, principal_type::user, "s-" + u.id, {"admin"}, {}};
    }
    /// Every event recorded so far, oldest first.
    std::vector<audit_event> events() { return store.snapshot().audit_events; }
    std::vector<audit_event> events_of(audit_type type) {
        std::vector<audit_event> out;
        for (const auto& e : events())
            if (e.type == type) out.push_back(e);
        return out;
    }
};

std::vector<std::string> fields_of(const failure& f) {
    std::vector<std::string> out;
    for (const auto& e : f.fields) out.push_back(e.field);
    return out;
}

/// Every text of an event, to look for what it must never hold.
std::string texts_of(const audit_event& e) {
    return e.principal_id + "|" + e.actor_id + "|" + e.ip + "|" + e.user_agent + "|" + e.request_id + "|" + e.detail;
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("a successful login records sign_in success by password, the user its principal and actor",
          "[core][audit][users]") {
    fixture f;
    const auto ana = f.registered();
    CHECK(f.events_of(audit_type::account_registered).size() == 1);
    REQUIRE(f.login("correct-horse").ok());

    const auto signed_in = f.events_of(audit_type::sign_in);
    REQUIRE(signed_in.size() == 1);
    const auto& e = signed_in[0];
    CHECK(e.id > 0);
    CHECK(e.at == f.clock.now());
    CHECK(e.outcome == audit_outcome::success);
    CHECK(e.principal_id == ana.id);
    CHECK(e.actor_id == ana.id);
    CHECK(e.detail == "password");
}

TEST_CASE("a wrong password records sign_in failure with the user's id", "[core][audit][users]") {
    fixture f;
    const auto ana = f.registered();
    REQUIRE(f.login("wrong-horse").error().code == errc::invalid_credentials);

    const auto signed_in = f.events_of(audit_type::sign_in);
    REQUIRE(signed_in.size() == 1);
    CHECK(signed_in[0].outcome == audit_outcome::failure);
    CHECK(signed_in[0].principal_id == ana.id);
    CHECK(signed_in[0].actor_id == ana.id);
    CHECK(signed_in[0].detail == "wrong password");
    CHECK(f.events_of(audit_type::account_locked).empty());
}

TEST_CASE("a login for an unknown e-mail records sign_in failure with no principal and never the login typed",
          "[core][audit][users]") {
    fixture f;
    f.registered();
    const auto before = f.events().size();
    REQUIRE(f.login("Typed-Secret-41", "nobody@example.com").error().code == errc::invalid_credentials);

    const auto all = f.events();
    REQUIRE(all.size() == before + 1);
    const auto& e = all.back();
    CHECK(e.type == audit_type::sign_in);
    CHECK(e.outcome == audit_outcome::failure);
    CHECK(e.principal_id.empty());
    CHECK(e.actor_id.empty());
    CHECK(e.detail == "unknown account");
    for (const auto& event : all) {
        INFO(texts_of(event));
        CHECK_FALSE(contains(texts_of(event), "nobody"));
        CHECK_FALSE(contains(texts_of(event), "Typed-Secret-41"));
    }
}

TEST_CASE("the failed login that locks the account records account_locked after its sign_in failure",
          "[core][audit][users][lockout]") {
    fixture f;
    const auto ana = f.registered();
    for (int i = 0; i < 4; ++i) REQUIRE(f.login("wrong-horse").error().code == errc::invalid_credentials);
    CHECK(f.events_of(audit_type::account_locked).empty());
    REQUIRE(f.login("wrong-horse").error().code == errc::account_locked);

    const auto failures = f.events_of(audit_type::sign_in);
    REQUIRE(failures.size() == 5);
    for (const auto& e : failures) {
        CHECK(e.outcome == audit_outcome::failure);
        CHECK(e.detail == "wrong password");
    }
    const auto locked = f.events_of(audit_type::account_locked);
    REQUIRE(locked.size() == 1);
    CHECK(locked[0].principal_id == ana.id);
    CHECK(locked[0].actor_id == ana.id);
    CHECK(locked[0].id > failures.back().id);

    // While locked, even the right password is a failed sign-in; the lock is not recorded again.
    REQUIRE(f.login("correct-horse").error().code == errc::account_locked);
    const auto after = f.events_of(audit_type::sign_in);
    REQUIRE(after.size() == 6);
    CHECK(after.back().outcome == audit_outcome::failure);
    CHECK(after.back().detail == "account locked");
    CHECK(f.events_of(audit_type::account_locked).size() == 1);
}

TEST_CASE("logout records logout with its session, and logout of every session records logout_all",
          "[core][audit][sessions]") {
    fixture f;
    const auto ana = f.registered();
    const auto first = f.login("correct-horse");
    REQUIRE(first.ok());
    REQUIRE(first->tokens);
    const auto who = f.tokens.authenticate(first->tokens->access_token);
    REQUIRE(who.ok());
    REQUIRE(f.tokens.logout(who.value()).ok());

    const auto out = f.events_of(audit_type::logout);
    REQUIRE(out.size() == 1);
    CHECK(out[0].outcome == audit_outcome::success);
    CHECK(out[0].principal_id == ana.id);
    CHECK(out[0].actor_id == ana.id);
    CHECK(out[0].detail == "session " + who->session_id);
    CHECK(f.events_of(audit_type::logout_all).empty());

    REQUIRE(f.login("correct-horse").ok());
    f.tokens.logout_all(ana.id);
    const auto all_out = f.events_of(audit_type::logout_all);
    REQUIRE(all_out.size() == 1);
    CHECK(all_out[0].principal_id == ana.id);
    CHECK(all_out[0].actor_id == ana.id);
    CHECK(f.events_of(audit_type::logout).size() == 1);
}

TEST_CASE("an admin disabling a user records account_disabled with the admin as actor", "[core][audit][admin]") {
    fixture f;
    const auto ana = f.registered();
    const auto boss = f.make_admin("boss@admin.test");
    REQUIRE(f.admin.set_active(boss, ana.id, false).ok());

    const auto disabled = f.events_of(audit_type::account_disabled);
    REQUIRE(disabled.size() == 1);
    CHECK(disabled[0].outcome == audit_outcome::success);
    CHECK(disabled[0].principal_id == ana.id);
    CHECK(disabled[0].actor_id == boss.id);
    CHECK(disabled[0].at == f.clock.now());
}

TEST_CASE("an admin action that fails records nothing", "[core][audit][admin]") {
    fixture f;
    const auto ana = f.registered();
    const auto boss = f.make_admin("boss@admin.test");
    const auto before = f.events().size();

    CHECK(f.admin.set_active(boss, boss.id, false).error().code == errc::own_account);
    CHECK(f.admin.remove_user(boss, boss.id).error().code == errc::own_account);
    CHECK(f.admin.set_roles(boss, boss.id, {"customer"}).error().code == errc::own_account);
    CHECK(f.admin.set_active(boss, unknown_id, false).error().code == errc::not_found);
    CHECK(f.admin.revoke_sessions(boss, unknown_id).error().code == errc::not_found);
    // A token that still says admin, of an account that is not one (any more).
    const principal pretender{ana.id, principal_type::user, "s-" + ana.id, {"admin"}, {}};
    CHECK(f.admin.set_active(pretender, boss.id, false).error().code == errc::forbidden);

    CHECK(f.events().size() == before);
    CHECK(f.stored(boss.id).is_active);
}

TEST_CASE("an origin scope stamps its address, user agent and request id on the events recorded inside it",
          "[core][audit]") {
    fixture f;
    f.registered();  // outside any scope
    {
        const origin_scope outer({"198.51.100.1", "outer-agent/1", "req-outer"});
        {
            const origin_scope inner({"203.0.113.9", "audit-test/1", "req-audit-1"});
            REQUIRE(f.login("correct-horse").ok());
        }
        REQUIRE(f.login("correct-horse").ok());  // the outer scope is current again
    }
    REQUIRE(f.login("correct-horse").ok());  // and none after it

    const auto registered = f.events_of(audit_type::account_registered);
    REQUIRE(registered.size() == 1);
    CHECK(registered[0].ip.empty());
    CHECK(registered[0].user_agent.empty());
    CHECK(registered[0].request_id.empty());

    const auto signed_in = f.events_of(audit_type::sign_in);
    REQUIRE(signed_in.size() == 3);
    CHECK(signed_in[0].ip == "203.0.113.9");
    CHECK(signed_in[0].user_agent == "audit-test/1");
    CHECK(signed_in[0].request_id == "req-audit-1");
    CHECK(signed_in[1].ip == "198.51.100.1");
    CHECK(signed_in[1].user_agent == "outer-agent/1");
    CHECK(signed_in[1].request_id == "req-outer");
    CHECK(signed_in[2].ip.empty());
    CHECK(signed_in[2].user_agent.empty());
    CHECK(signed_in[2].request_id.empty());
}

TEST_CASE("a user agent is kept as printable ASCII, every other byte a '?', and cut at 512 characters",
          "[core][audit]") {
    fixture f;
    f.registered();
    std::string agent = "curl/8 ";
    agent += '\x01';
    agent += '\t';
    agent += '\x7f';
    agent += "\xC3\xA9";  // é in UTF-8: two bytes of 0x80 and more
    agent += '\xFF';
    agent += " end";
    {
        const origin_scope scope({"203.0.113.9", agent, "req-odd-agent"});
        REQUIRE(f.login("correct-horse").ok());
    }
    {
        const origin_scope scope({"203.0.113.9", std::string(600, 'a'), "req-long-agent"});
        REQUIRE(f.login("correct-horse").ok());
    }

    const auto signed_in = f.events_of(audit_type::sign_in);
    REQUIRE(signed_in.size() == 2);
    CHECK(signed_in[0].user_agent == "curl/8 ?????? end");
    CHECK(signed_in[0].request_id == "req-odd-agent");
    CHECK(signed_in[1].user_agent == std::string(512, 'a'));
}

TEST_CASE("the audit list refuses a size outside 1 to 100 and an until not after since, naming the field",
          "[core][audit]") {
    fixture f;
    for (const int size : {0, 101}) {
        INFO(size);
        const auto r = f.trail.list({.size = size});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::validation_failed);
        CHECK(fields_of(r.error()) == std::vector<std::string>{"size"});
    }
    const auto negative = f.trail.list({.page = -1});
    REQUIRE_FALSE(negative.ok());
    CHECK(fields_of(negative.error()) == std::vector<std::string>{"page"});

    const time_point t = f.clock.now();
    for (const time_point until : std::vector<time_point>{t, t - 1s}) {
        const auto r = f.trail.list({.since = t, .until = until});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == errc::validation_failed);
        CHECK(fields_of(r.error()) == std::vector<std::string>{"until"});
    }
    CHECK(f.trail.list({.size = 1}).ok());
    CHECK(f.trail.list({.size = 100, .since = t, .until = t + 1s}).ok());
    CHECK(f.trail.list({.since = t}).ok());
    CHECK(f.trail.list({.until = t}).ok());
}

TEST_CASE("the audit list answers newest first, a page at a time, with its filters", "[core][audit]") {
    fixture f;
    const auto start = f.clock.now();
    const auto ana = f.registered();  // account_registered
    f.clock.advance(1min);
    (void)f.login("wrong-horse");  // sign_in failure
    f.clock.advance(1min);
    REQUIRE(f.login("correct-horse").ok());  // sign_in success

    const auto first = f.trail.list({.page = 0, .size = 2});
    REQUIRE(first.ok());
    REQUIRE(first->items.size() == 2);
    CHECK(first->items[0].detail == "password");
    CHECK(first->items[1].detail == "wrong password");
    CHECK(first->items[0].id > first->items[1].id);
    CHECK(first->number == 0);
    CHECK(first->size == 2);
    CHECK(first->total_elements == 3);
    CHECK(first->total_pages == 2);
    const auto second = f.trail.list({.page = 1, .size = 2});
    REQUIRE(second.ok());
    REQUIRE(second->items.size() == 1);
    CHECK(second->items[0].type == audit_type::account_registered);

    const auto signed_in = f.trail.list({.principal_id = ana.id, .type = audit_type::sign_in});
    REQUIRE(signed_in.ok());
    CHECK(signed_in->total_elements == 2);
    const auto window = f.trail.list({.since = start + 1min, .until = start + 2min});
    REQUIRE(window.ok());
    REQUIRE(window->items.size() == 1);
    CHECK(window->items[0].outcome == audit_outcome::failure);
    const auto nobody = f.trail.list({.principal_id = unknown_id});
    REQUIRE(nobody.ok());
    CHECK(nobody->items.empty());
    CHECK(nobody->total_elements == 0);
    CHECK(nobody->total_pages == 0);
}
