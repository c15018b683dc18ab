#pragma once
#include "core/events/event.hpp"

namespace authd {

/// The allowed status changes, in one table: UPCOMING → ON_SALE → SOLD_OUT,
/// UPCOMING → CANCELLED, ON_SALE → CANCELLED. Nothing else.
bool transition_allowed(event_status from, event_status to) noexcept;

}  // namespace authd
