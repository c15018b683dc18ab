#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace authd::http {

/// Counters and latency histograms for GET /metrics (Prometheus text format).
/// Requests are keyed by route template, never by raw path, so that ids in
/// paths cannot blow up the number of series.
class metrics {
public:
    /// `problem_code` is the problem's `code` for an error response, else empty. `outcome_kind` names the route's
    /// kind in authd_auth_results_total (login, otp_request, ...; the route table's `metric`), or is empty.
    void observe(const std::string& route, const std::string& method, int status, std::chrono::microseconds took,
                 const std::string& problem_code, const std::string& outcome_kind = {});
    /// The exposition text; `extra` is appended as is (gauges the caller reads at scrape time).
    std::string render(const std::string& extra) const;

private:
    static constexpr std::array<double, 10> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};
    struct histogram {
        std::array<std::uint64_t, buckets.size()> counts{};
        std::uint64_t count = 0;
        std::uint64_t sum_micros = 0;  ///< whole microseconds: sums stay exact however long the process runs
    };
    mutable std::mutex mutex_;
    /// route, method, status; std::less<> finds a key without copying its strings
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t, std::less<>> requests_;
    std::map<std::string, histogram> latency_;                                   ///< route
    std::map<std::pair<std::string, std::string>, std::uint64_t> auth_results_;  ///< kind, result
};

}  // namespace authd::http
