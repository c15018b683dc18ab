#include "adapters/http/metrics.hpp"

#include <algorithm>
#include <sstream>

namespace authd::http {
namespace {
/// Microseconds as seconds, exactly: a double summed for weeks and printed to a stream's 6 digits drifts.
std::string seconds_text(std::uint64_t micros) {
    std::string fraction = std::to_string(micros % 1000000);
    return std::to_string(micros / 1000000) + "." + std::string(6 - fraction.size(), '0') + fraction;
}

/// Label values are route templates, methods and codes of ours; escape anyway.
std::string label(const std::string& v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}
}  // namespace

void metrics::observe(const std::string& route, const std::string& method, int status, std::chrono::microseconds took,
                      const std::string& problem_code, const std::string& outcome_kind) {
    static const std::string unmatched = "unmatched";
    const std::string& key = route.empty() ? unmatched : route;
    const double secs = static_cast<double>(took.count()) / 1e6;
    std::lock_guard lock(mutex_);
    auto counted = requests_.find(std::tie(key, method, status));
    if (counted == requests_.end()) counted = requests_.emplace(std::make_tuple(key, method, status), 0).first;
    ++counted->second;
    auto& h = latency_[key];
    for (std::size_t i = 0; i < buckets.size(); ++i)
        if (secs <= buckets[i]) ++h.counts[i];
    ++h.count;
    h.sum_micros += static_cast<std::uint64_t>(std::max<std::int64_t>(0, took.count()));
    if (!outcome_kind.empty())
        ++auth_results_[{outcome_kind, status < 400           ? "success"
                                       : problem_code.empty() ? std::to_string(status)
                                                              : problem_code}];
}

std::string metrics::render(const std::string& extra) const {
    std::ostringstream out;
    std::lock_guard lock(mutex_);
    out << "# HELP authd_http_requests_total HTTP requests by route template, method and status.\n"
        << "# TYPE authd_http_requests_total counter\n";
    for (const auto& [k, n] : requests_)
        out << "authd_http_requests_total{route=\"" << label(std::get<0>(k)) << "\",method=\"" << label(std::get<1>(k))
            << "\",status=\"" << std::get<2>(k) << "\"} " << n << "\n";
    out << "# HELP authd_http_request_duration_seconds Time from the request's arrival to its response.\n"
        << "# TYPE authd_http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
        const std::string r = label(route);
        for (std::size_t i = 0; i < buckets.size(); ++i)
            out << "authd_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << buckets[i] << "\"} "
                << h.counts[i] << "\n";
        out << "authd_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << h.count << "\n"
            << "authd_http_request_duration_seconds_sum{route=\"" << r << "\"} " << seconds_text(h.sum_micros) << "\n"
            << "authd_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count << "\n";
    }
    out << "# HELP authd_auth_results_total Logins, OTP requests and checks, refreshes by result "
           "(account_locked and otp_locked are lockouts).\n"
        << "# TYPE authd_auth_results_total counter\n";
    for (const auto& [k, n] : auth_results_)
        out << "authd_auth_results_total{kind=\"" << k.first << "\",result=\"" << label(k.second) << "\"} " << n
            << "\n";
    out << extra;
    return out.str();
}

}  // namespace authd::http
