#pragma once
#include <ostream>

#include "app/config.hpp"
#include "core/agents/agent_service.hpp"
#include "core/catalog/catalog_service.hpp"
#include "core/events/event_service.hpp"
#include "core/ports/random.hpp"
#include "core/ports/unit_of_work.hpp"
#include "core/users/auth_service.hpp"

namespace authd::app {

struct seed_context {
    unit_of_work& store;
    auth_service& auth;
    agent_service& agents;
    random_source& rng;
    const config& cfg;
    catalog_service& catalog;
    event_service& events;
    const clock& clk;
};

/// Sample data of API.md "Operations"; what exists already is left alone.
void seed_data(const seed_context& ctx, std::ostream& out);

}  // namespace authd::app
