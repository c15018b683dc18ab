#include "core/events/state_machine.hpp"

#include <array>
#include <utility>

namespace authd {
namespace {
using s = event_status;
constexpr std::array<std::pair<event_status, event_status>, 4> allowed{{
    {s::upcoming, s::on_sale},
    {s::on_sale, s::sold_out},
    {s::upcoming, s::cancelled},
    {s::on_sale, s::cancelled},
}};
}  // namespace

bool transition_allowed(event_status from, event_status to) noexcept {
    for (const auto& [a, b] : allowed)
        if (a == from && b == to) return true;
    return false;
}

std::string_view to_string(event_status st) noexcept {
    switch (st) {
        case s::upcoming: return "UPCOMING";
        case s::on_sale: return "ON_SALE";
        case s::sold_out: return "SOLD_OUT";
        case s::cancelled: return "CANCELLED";
    }
    return "";
}

std::optional<event_status> parse_event_status(std::string_view text) noexcept {
    for (const auto st : {s::upcoming, s::on_sale, s::sold_out, s::cancelled})
        if (to_string(st) == text) return st;
    return std::nullopt;
}

}  // namespace authd
