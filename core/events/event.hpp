#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

enum class event_status { upcoming, on_sale, sold_out, cancelled };

/// "UPCOMING", "ON_SALE", "SOLD_OUT", "CANCELLED"
std::string_view to_string(event_status s) noexcept;
std::optional<event_status> parse_event_status(std::string_view text) noexcept;

/// An event of the catalogue, as the events specification shows it.
struct event {
    std::int64_t id = 0;
    std::string name;
    time_point event_date{};
    std::string venue_name;
    int total_seats = 0;
    int available_seats = 0;
    event_status status = event_status::upcoming;
    time_point sale_start_time{};
    time_point created_at{};
    time_point updated_at{};
};

}  // namespace authd
