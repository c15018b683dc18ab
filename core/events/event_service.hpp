#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/result.hpp"
#include "core/common/validation.hpp"
#include "core/events/event.hpp"
#include "core/ports/clock.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

/// The fields a client sent: everything optional, so that one type serves
/// creation (where some are required) and partial updates.
struct event_fields {
    std::optional<std::string> name;
    std::optional<time_point> event_date;
    std::optional<std::string> venue_name;
    std::optional<std::int64_t> total_seats;
    std::optional<std::int64_t> available_seats;
    std::optional<std::string> status;
    std::optional<time_point> sale_start_time;
};

struct event_page {
    std::vector<event> events;
    int number = 0;
    int size = 0;
    std::int64_t total_elements = 0;
    std::int64_t total_pages = 0;
};

/// The events catalogue: its rules, and an outbox row with every change.
class event_service {
public:
    event_service(unit_of_work& uow, const clock& clk);

    /// `found`: what the adapter already found wrong reading the request; one 400 then lists it with the rest.
    result<event> create(const event_fields& f, validator found = {});
    result<event> update(std::int64_t id, const event_fields& f);
    result<event> change_status(std::int64_t id, std::string_view status);
    outcome remove(std::int64_t id);
    result<event> find(std::int64_t id);
    /// `size` 1–100; `from`/`to` bound the event date.
    result<event_page> list(event_query q);

private:
    unit_of_work& uow_;
    const clock& clock_;
};

}  // namespace authd
