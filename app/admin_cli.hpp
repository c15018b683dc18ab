#pragma once
// authd admin <action>: the operator's commands, as the command line runs them (app/main.cpp).
#include <iosfwd>

#include "app/config.hpp"
#include "core/ports/random.hpp"
#include "core/users/operator_commands.hpp"

namespace authd::app {

/// Runs one admin action. A password is the first line of `in` (never echoed when `in` is a terminal); create-user
/// generates one when `in` is a terminal or gives an empty line, and prints it once. Results go to `out`, refusals
/// to `err`. Returns the exit code: 0 done, 1 refused (no such account, a bad value).
int run_admin(operator_commands& ops, const admin_request& r, std::istream& in, bool in_is_terminal, random_source& rng,
              std::ostream& out, std::ostream& err);

}  // namespace authd::app
