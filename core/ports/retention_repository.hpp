#pragma once
#include <string_view>

#include "core/common/time.hpp"

namespace authd {

/// Rows that only history keeps once they have ended: what the clean-up deletes after the retention.
enum class ended_rows {
    otp_codes,            ///< expired (used or not)
    otp_lockouts,         ///< neither counting nor locking any more
    mfa_challenges,       ///< expired
    email_verifications,  ///< expired
    password_resets,      ///< expired
    email_changes,        ///< expired
    refresh_tokens,       ///< expired
    expired_sessions,     ///< past their end
    revoked_sessions,     ///< signed out
    finished_messages,    ///< sent, dead or expired
    published_outbox,     ///< relayed
    audit_events,         ///< recorded (kept for their own retention, AUDIT_RETENTION_DAYS)
};
inline constexpr ended_rows all_ended_rows[] = {ended_rows::otp_codes,        ended_rows::otp_lockouts,
                                                ended_rows::mfa_challenges,   ended_rows::email_verifications,
                                                ended_rows::password_resets,  ended_rows::email_changes,
                                                ended_rows::refresh_tokens,   ended_rows::expired_sessions,
                                                ended_rows::revoked_sessions, ended_rows::finished_messages,
                                                ended_rows::published_outbox, ended_rows::audit_events};
std::string_view to_string(ended_rows r) noexcept;

/// Deleting what has ended, a batch at a time, and the lease that lets one process at a time do it.
class retention_repository {
public:
    virtual ~retention_repository() = default;
    /// Deletes up to `limit` rows of `rows` that ended before `cutoff`; returns how many it deleted.
    virtual int delete_ended(ended_rows rows, time_point cutoff, int limit) = 0;
    /// Takes the lease of the named task until `until` when nobody holds it at `now`; false when another does.
    virtual bool lease_task(std::string_view task, time_point now, time_point until) = 0;
    /// Gives the lease taken until `until` back, so that the next run need not wait for it to pass; nothing when the
    /// lease has since passed to another process.
    virtual void release_task(std::string_view task, time_point until) = 0;
};

}  // namespace authd
