#pragma once
#include "adapters/json/json.hpp"
#include "core/agents/agent.hpp"

namespace authd::http {

/// The agent object of API.md "Agents" (snake_case), also what the admin API lists.
void write_agent(json::writer& w, const agent& a);

}  // namespace authd::http
