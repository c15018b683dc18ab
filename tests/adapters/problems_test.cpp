// The problem table: every kind of refusal has exactly one row, and an answer carries what its row says.
#include "adapters/http/problems.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "core/sessions/token_service.hpp"

using namespace authd;
using namespace authd::http;

namespace {
request sample_request() {
    request r;
    r.request_id = "req-1";
    return r;
}
}  // namespace

TEST_CASE("every domain error and every HTTP-level refusal has exactly one row of the problem table", "[problems]") {
    // errc and http_problem each name their last value: the loops reach every value there is.
    for (int e = static_cast<int>(errc::validation_failed); e <= static_cast<int>(errc::unavailable); ++e) {
        INFO("errc value " << e);
        CHECK(rows_for(static_cast<errc>(e)) == 1);
    }
    for (int p = 0; p <= static_cast<int>(http_problem::internal_error); ++p) {
        INFO("http_problem value " << p);
        CHECK(rows_for(static_cast<http_problem>(p)) == 1);
    }
}

TEST_CASE("every row is a refusal with a snake_case code and a detail", "[problems]") {
    for (int e = static_cast<int>(errc::validation_failed); e <= static_cast<int>(errc::unavailable); ++e) {
        const auto& row = problem_of(static_cast<errc>(e));
        INFO(row.code);
        CHECK(row.status >= 400);
        CHECK(row.status <= 599);
        CHECK_FALSE(row.default_detail.empty());
        CHECK(row.code.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string_view::npos);
        CHECK((row.challenge == auth_challenge::none) == (row.status != 401));  // every 401 names its scheme
    }
}

TEST_CASE("a failure becomes problem details with its fields, attempts, Retry-After and challenge", "[problems]") {
    const auto req = sample_request();

    failure invalid = fail(errc::validation_failed, "Fix these.");
    invalid.fields = {{"email", "is required"}};
    auto r = problem_from(req, invalid);
    CHECK(r.status == 400);
    CHECK(r.find_header("Content-Type") == "application/problem+json");
    CHECK(
        r.body ==
        R"({"type":"about:blank","title":"Bad Request","status":400,"detail":"Fix these.","code":"validation_failed",)"
        R"("request_id":"req-1","errors":[{"field":"email","message":"is required"}]})");

    failure wrong = fail(errc::invalid_mfa_code);
    wrong.attempts_remaining = 2;
    r = problem_from(req, wrong);
    CHECK(r.status == 401);
    CHECK(r.find_header("WWW-Authenticate") == "Bearer");
    CHECK(r.body.find(R"("detail":"Wrong code.")") != std::string::npos);  // the row's default detail
    CHECK(r.body.find(R"("attempts_remaining":2})") != std::string::npos);

    failure pending = fail(errc::mfa_required);
    pending.challenge = mfa_pending{"tok", factor_method::totp, std::chrono::seconds{300}};
    r = problem_from(req, pending);
    CHECK(r.status == 401);
    CHECK(r.problem_code == "mfa_required");
    CHECK(r.body.find(R"("mfaToken":"tok","deliveryMethod":"totp","expiresIn":300})") != std::string::npos);

    failure soon = fail(errc::otp_resend_too_soon, "Wait.");
    soon.retry_after = std::chrono::seconds{42};
    CHECK(problem_from(req, soon).find_header("Retry-After") == "42");
    CHECK(problem_from(req, fail(errc::unavailable)).find_header("Retry-After") == "5");
    CHECK(problem_from(req, fail(errc::overloaded)).find_header("Retry-After") == "1");
}

TEST_CASE("HTTP-level refusals come from the table too, and kinds may share a public code", "[problems]") {
    const auto req = sample_request();
    CHECK(problem(req, http_problem::method_not_implemented).status == 501);
    CHECK(problem(req, http_problem::headers_too_large).status == 431);
    const auto missing = problem(req, http_problem::token_missing);
    CHECK(missing.find_header("WWW-Authenticate") == "Bearer");
    CHECK(missing.problem_code == "unauthorized");
    const auto rejected = problem(req, http_problem::validate_token_rejected, "Expired.", R"("valid":false)");
    CHECK(rejected.find_header("WWW-Authenticate") == R"(Bearer error="invalid_token")");
    CHECK(rejected.body.find(R"("detail":"Expired.","code":"invalid_token","request_id":"req-1","valid":false})") !=
          std::string::npos);
    CHECK(problem_from(req, fail(errc::invalid_token)).status == 400);  // the same code, another row
    const auto gone = problem_from(req, account_gone());
    CHECK(gone.status == 401);
    CHECK(gone.find_header("WWW-Authenticate") == R"(Bearer error="invalid_token")");
}
