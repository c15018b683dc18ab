#include "core/maintenance/cleanup.hpp"

namespace authd {

std::string_view to_string(ended_rows r) noexcept {
    switch (r) {
        case ended_rows::otp_codes: return "otp_codes";
        case ended_rows::otp_lockouts: return "otp_lockouts";
        case ended_rows::mfa_challenges: return "mfa_challenges";
        case ended_rows::email_verifications: return "email_verifications";
        case ended_rows::password_resets: return "password_resets";
        case ended_rows::email_changes: return "email_changes";
        case ended_rows::refresh_tokens: return "refresh_tokens";
        case ended_rows::expired_sessions: return "expired_sessions";
        case ended_rows::revoked_sessions: return "revoked_sessions";
        case ended_rows::finished_messages: return "finished_messages";
        case ended_rows::published_outbox: return "published_outbox";
        case ended_rows::audit_events: return "audit_events";
    }
    return "";
}

int cleanup_report::total() const {
    int n = 0;
    for (const auto& [rows, count] : deleted) n += count;
    return n;
}

cleanup_task::cleanup_task(unit_of_work& uow, const clock& clk, retention_policy policy)
    : uow_(uow), clock_(clk), policy_(policy) {}

cleanup_report cleanup_task::run() {
    const auto now = clock_.now();
    const auto until = now + policy_.lease;
    cleanup_report report;
    report.ran = write_tx(uow_, [&](repositories& r) { return r.retention.lease_task("cleanup", now, until); });
    if (!report.ran) return report;
    for (const auto rows : all_ended_rows) {
        const auto cutoff = now - (rows == ended_rows::audit_events ? policy_.keep_audit : policy_.keep);
        int deleted = 0;
        for (int batch = 0; batch < policy_.max_batches; ++batch) {
            const int n =
                write_tx(uow_, [&](repositories& r) { return r.retention.delete_ended(rows, cutoff, policy_.batch); });
            deleted += n;
            if (n < policy_.batch) break;
        }
        report.deleted.emplace_back(rows, deleted);
    }
    uow_.write([&](repositories& r) { r.retention.release_task("cleanup", until); });
    return report;
}

}  // namespace authd
