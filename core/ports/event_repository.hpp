#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "core/events/event.hpp"

namespace authd {

/// A page of events, sorted by event date (then id).
struct event_query {
    std::optional<event_status> status;
    std::optional<time_point> from;  ///< event_date >= from
    std::optional<time_point> to;    ///< event_date <= to
    int page = 0;
    int size = 20;
};

class event_repository {
public:
    virtual ~event_repository() = default;
    /// Returns the id the database gave the event.
    virtual std::int64_t insert(const event& e) = 0;
    virtual std::optional<event> find(std::int64_t id) = 0;
    /// Reads for an update in this transaction (SELECT ... FOR UPDATE where the dialect has it).
    virtual std::optional<event> lock(std::int64_t id) = 0;
    virtual void update(const event& e) = 0;
    virtual bool remove(std::int64_t id) = 0;
    virtual std::vector<event> list(const event_query& q) = 0;
    virtual std::int64_t count(const event_query& q) = 0;
};

}  // namespace authd
