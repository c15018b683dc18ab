#include "core/events/state_machine.hpp"

#include <catch2/catch.hpp>

using namespace authd;

TEST_CASE("exactly the four transitions of the events specification are allowed, of all sixteen pairs",
          "[core][events]") {
    using s = event_status;
    const std::vector<event_status> all{s::upcoming, s::on_sale, s::sold_out, s::cancelled};
    const std::vector<std::pair<event_status, event_status>> allowed{
        {s::upcoming, s::on_sale}, {s::on_sale, s::sold_out}, {s::upcoming, s::cancelled}, {s::on_sale, s::cancelled}};
    int allowed_count = 0;
    for (const auto from : all)
        for (const auto to : all) {
            const bool expected = std::find(allowed.begin(), allowed.end(), std::pair{from, to}) != allowed.end();
            INFO(to_string(from) << " -> " << to_string(to));
            CHECK(transition_allowed(from, to) == expected);
            allowed_count += transition_allowed(from, to);
        }
    CHECK(allowed_count == 4);
}

TEST_CASE("statuses are written and read as the specification spells them", "[core][events]") {
    for (const auto st :
         {event_status::upcoming, event_status::on_sale, event_status::sold_out, event_status::cancelled})
        CHECK(parse_event_status(to_string(st)) == st);
    CHECK(to_string(event_status::on_sale) == "ON_SALE");
    CHECK_FALSE(parse_event_status("on_sale"));
    CHECK_FALSE(parse_event_status("OPEN"));
}
