#pragma once
#include <optional>
#include <string_view>

#include "core/lockout/lockout.hpp"
#include "core/otp/otp_code.hpp"

namespace authd {

/// One-time codes and the per-number failure count, both in the database so
/// that they hold across restarts and across instances.
class otp_repository {
public:
    virtual ~otp_repository() = default;
    virtual void insert(const otp_code& code) = 0;
    /// The newest code of the number, consumed or not.
    virtual std::optional<otp_code> latest(std::string_view phone) = 0;
    /// Consumes every open code of the number (a new code replaces them; a lock voids them).
    virtual void void_open(std::string_view phone, time_point now) = 0;
    /// Consumes one code once: UPDATE ... WHERE consumed_at IS NULL. Of concurrent callers exactly one gets true.
    virtual bool consume(std::string_view id, time_point now) = 0;
    /// The number's failure count and lock, locked for this transaction (the row is created if missing).
    virtual lockout_state lock_lockout(std::string_view phone) = 0;
    virtual lockout_state read_lockout(std::string_view phone) = 0;
    virtual void save_lockout(std::string_view phone, const lockout_state& state, time_point now) = 0;
};

}  // namespace authd
