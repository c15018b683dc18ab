#include "core/lockout/lockout.hpp"

#include <algorithm>

namespace authd {

std::optional<seconds> lock_remaining(const lockout_state& s, time_point now) {
    if (!s.locked_until || *s.locked_until <= now) return std::nullopt;
    return *s.locked_until - now;
}

bool record_failure(lockout_state& s, time_point now, const lockout_policy& p) {
    if (s.locked_until && *s.locked_until <= now) s.locked_until.reset();  // an expired lock is forgotten
    if (++s.failures < p.max_failures) return false;
    s.failures = 0;
    s.locked_until = now + p.lock_for;
    return true;
}

void record_success(lockout_state& s) {
    s.failures = 0;
    s.locked_until.reset();
}

int attempts_remaining(const lockout_state& s, const lockout_policy& p) {
    return std::max(0, p.max_failures - s.failures);
}

}  // namespace authd
