#pragma once
#include "adapters/json/json.hpp"
#include "core/agents/agent.hpp"
#include "core/sessions/token_service.hpp"

namespace authd::http {

/// The agent object of API.md "Agents" (snake_case), also what the admin API lists.
void write_agent(json::writer& w, const agent& a);

/// The members of a snake_case token pair (agent and client routes), inside an open object.
void write_pair(json::writer& w, const token_pair& p);

}  // namespace authd::http
