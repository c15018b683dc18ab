#pragma once
#include <optional>

#include "core/common/time.hpp"
#include "core/lockout/security_policy.hpp"

namespace authd {

struct lockout_state {
    int failures = 0;                        ///< failures in a row since the last success or lock
    std::optional<time_point> locked_until;  ///< set when the last failure locked
};

/// How long the lock still holds at `now`, or nothing when not locked.
std::optional<seconds> lock_remaining(const lockout_state& s, time_point now);

/// Counts one failure. Returns true when this failure locks: the count starts
/// again from zero for the period after the lock.
bool record_failure(lockout_state& s, time_point now, const lockout_policy& p);

/// A success ends the run of failures.
void record_success(lockout_state& s);

/// Failures still allowed before the lock.
int attempts_remaining(const lockout_state& s, const lockout_policy& p);

}  // namespace authd
