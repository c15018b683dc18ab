#include "core/events/event_service.hpp"

#include "core/common/paging.hpp"
#include "core/common/validation.hpp"
#include "core/events/state_machine.hpp"

namespace authd {
namespace {
constexpr std::int64_t max_seats = 1'000'000;

/// Checks the fields that were sent, each on its own.
void check_fields(const event_fields& f, time_point now, validator& v) {
    if (f.name)
        if (auto e = check_text(*f.name, 255)) v.add("eventName", *e);
    if (f.venue_name)
        if (auto e = check_text(*f.venue_name, 255)) v.add("venueName", *e);
    if (f.event_date && *f.event_date <= now) v.add("eventDate", "must be in the future");
    if (f.total_seats && (*f.total_seats < 1 || *f.total_seats > max_seats))
        v.add("totalSeats", "must be from 1 to 1000000");
    if (f.available_seats && (*f.available_seats < 0 || *f.available_seats > max_seats))
        v.add("availableSeats", "must be from 0 to totalSeats");
    if (f.status && !parse_event_status(*f.status)) v.add("status", "must be UPCOMING, ON_SALE, SOLD_OUT or CANCELLED");
}

/// An event on sale before its saleStartTime: refused, whether it was put on sale or its sale start moved later.
outcome sale_window_kept(event_status status, time_point sale_start, time_point now) {
    if (status == event_status::on_sale && sale_start > now)
        return fail(errc::sale_not_started, "The sale starts at the event's saleStartTime.");
    return success();
}

/// Moves an event to `to` if the state machine and the sale window allow it.
outcome apply_status(event& e, event_status to, time_point now) {
    if (to == e.status) return success();  // not a transition: nothing to check
    if (!transition_allowed(e.status, to))
        return fail(errc::invalid_transition, "An event cannot go from " + std::string(to_string(e.status)) + " to " +
                                                  std::string(to_string(to)) + ".");
    if (auto ok = sale_window_kept(to, e.sale_start_time, now); !ok) return ok;
    e.status = to;
    return success();
}

/// Reaching 0 seats while on sale sells the event out.
void sell_out_if_full(event& e) {
    if (e.status == event_status::on_sale && e.available_seats == 0) e.status = event_status::sold_out;
}
}  // namespace

event_service::event_service(unit_of_work& uow, const clock& clk) : uow_(uow), clock_(clk) {}

result<event> event_service::create(const event_fields& f, validator found) {
    const auto now = clock_.now();
    validator v = std::move(found);
    if (!f.name) v.add("eventName", "is required");
    if (!f.event_date) v.add("eventDate", "is required");
    if (!f.venue_name) v.add("venueName", "is required");
    if (!f.total_seats) v.add("totalSeats", "is required");
    if (!f.sale_start_time) v.add("saleStartTime", "is required");
    check_fields(f, now, v);
    if (f.available_seats) v.add("availableSeats", "is set from totalSeats at creation");
    const auto status = f.status ? parse_event_status(*f.status) : event_status::upcoming;
    if (status && *status != event_status::upcoming && *status != event_status::on_sale)
        v.add("status", "must be UPCOMING or ON_SALE at creation");
    if (f.sale_start_time && f.event_date && *f.sale_start_time >= *f.event_date)
        v.add("saleStartTime", "must be before eventDate");
    if (!v.ok()) return v.to_failure();

    event e;
    e.name = *f.name;
    e.event_date = *f.event_date;
    e.venue_name = *f.venue_name;
    e.total_seats = e.available_seats = static_cast<int>(*f.total_seats);
    e.sale_start_time = *f.sale_start_time;
    e.created_at = e.updated_at = now;
    if (auto ok = apply_status(e, *status, now); !ok) return std::move(ok).error();
    return write_tx(uow_, [&](repositories& r) -> result<event> {
        e.id = r.events.insert(e);
        r.outbox.add_event_change("EVENT_CREATED", e, now);
        return e;
    });
}

result<event> event_service::update(std::int64_t id, const event_fields& f) {
    const auto now = clock_.now();
    validator v;
    check_fields(f, now, v);
    if (!v.ok()) return v.to_failure();
    return write_tx(uow_, [&](repositories& r) -> result<event> {
        auto e = r.events.lock(id);
        if (!e) return fail(errc::not_found, "No such event.");
        if (f.name) e->name = *f.name;
        if (f.venue_name) e->venue_name = *f.venue_name;
        if (f.event_date) e->event_date = *f.event_date;
        if (f.sale_start_time) e->sale_start_time = *f.sale_start_time;
        if (f.total_seats) {
            // Seats already sold stay sold: the available ones shrink or grow with the total.
            const int sold = e->total_seats - e->available_seats;
            e->total_seats = static_cast<int>(*f.total_seats);
            e->available_seats = e->total_seats - sold;
        }
        if (f.available_seats) e->available_seats = static_cast<int>(*f.available_seats);
        validator after;
        if (e->available_seats < 0 || e->available_seats > e->total_seats)
            after.add(f.available_seats ? "availableSeats" : "totalSeats",
                      "must keep availableSeats within 0 to totalSeats");
        if (e->sale_start_time >= e->event_date) after.add("saleStartTime", "must be before eventDate");
        if (!after.ok()) return after.to_failure();
        if (f.status)
            if (auto ok = apply_status(*e, *parse_event_status(*f.status), now); !ok) return std::move(ok).error();
        if (auto ok = sale_window_kept(e->status, e->sale_start_time, now); !ok)  // a sale start moved past now
            return std::move(ok).error();
        sell_out_if_full(*e);
        e->updated_at = now;
        r.events.update(*e);
        r.outbox.add_event_change("EVENT_UPDATED", *e, now);
        return std::move(*e);
    });
}

result<event> event_service::change_status(std::int64_t id, std::string_view status_text) {
    const auto status = parse_event_status(status_text);
    if (!status) {
        validator v;
        v.add("status", "must be UPCOMING, ON_SALE, SOLD_OUT or CANCELLED");
        return v.to_failure();
    }
    return write_tx(uow_, [&](repositories& r) -> result<event> {
        const auto now = clock_.now();
        auto e = r.events.lock(id);
        if (!e) return fail(errc::not_found, "No such event.");
        if (*status == e->status) return std::move(*e);  // already there: nothing changes, nothing to publish
        if (auto ok = apply_status(*e, *status, now); !ok) return std::move(ok).error();
        sell_out_if_full(*e);
        e->updated_at = now;
        r.events.update(*e);
        r.outbox.add_event_change("EVENT_STATUS_CHANGED", *e, now);
        return std::move(*e);
    });
}

outcome event_service::remove(std::int64_t id) {
    return write_tx(uow_, [&](repositories& r) -> outcome {
        const auto e = r.events.lock(id);
        if (!e) return fail(errc::not_found, "No such event.");
        r.events.remove(id);
        r.outbox.add_event_change("EVENT_DELETED", *e, clock_.now());
        return success();
    });
}

result<event> event_service::find(std::int64_t id) {
    auto e = read_tx(uow_, [&](repositories& r) { return r.events.find(id); });
    if (!e) return fail(errc::not_found, "No such event.");
    return std::move(*e);
}

result<event_page> event_service::list(event_query q) {
    validator v;
    check_page(q.page, q.size, v);
    if (q.from && q.to && *q.from > *q.to) v.add("from", "must not be after to");
    if (!v.ok()) return v.to_failure();
    return read_tx(uow_, [&](repositories& r) -> result<event_page> {
        event_page p;
        p.total_elements = r.events.count(q);
        p.events = r.events.list(q);
        p.number = q.page;
        p.size = q.size;
        p.total_pages = (p.total_elements + q.size - 1) / q.size;
        return p;
    });
}

}  // namespace authd
