// The metrics text: exact sums, and series keyed only by what the pipeline hands over.
#include <catch2/catch.hpp>

#include "adapters/http/metrics.hpp"

using authd::http::metrics;

TEST_CASE("histogram sums are printed exactly, not to six digits", "[metrics]") {
    metrics m;
    for (int i = 0; i < 3; ++i) m.observe("/r", "GET", 200, std::chrono::microseconds{1234567}, "");
    const auto text = m.render("");
    // 3 × 1.234567 s; a stream's default precision would print 3.7037.
    CHECK(text.find("authd_http_request_duration_seconds_sum{route=\"/r\"} 3.703701") != std::string::npos);
    m.observe("/r", "GET", 200, std::chrono::microseconds{7}, "");
    CHECK(m.render("").find("authd_http_request_duration_seconds_sum{route=\"/r\"} 3.703708\n") != std::string::npos);
    CHECK(text.find("authd_http_requests_total{route=\"/r\",method=\"GET\",status=\"200\"} 3") != std::string::npos);
}
