// Deleting ended rows a batch at a time, and the clean-up's lease.
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {
namespace {
/// Where the rows are, their key, and what "ended before :cutoff" means for them. Each condition has its index
/// (migrations 0010_retention, 0011_audit_events).
struct ended_rule {
    const char* table;
    const char* key;
    const char* condition;
};

ended_rule rule_of(ended_rows rows) {
    switch (rows) {
        case ended_rows::otp_codes: return {"otp_codes", "id", "expires_at < :cutoff"};
        case ended_rows::otp_lockouts:
            return {"otp_lockouts", "phone_number",
                    "updated_at < :cutoff AND (locked_until IS NULL OR locked_until < :cutoff2)"};
        case ended_rows::mfa_challenges: return {"mfa_challenges", "token_hash", "expires_at < :cutoff"};
        case ended_rows::email_verifications: return {"email_verifications", "token_hash", "expires_at < :cutoff"};
        case ended_rows::password_resets: return {"password_resets", "token_hash", "expires_at < :cutoff"};
        case ended_rows::email_changes: return {"email_changes", "token_hash", "expires_at < :cutoff"};
        case ended_rows::refresh_tokens: return {"refresh_tokens", "token_hash", "expires_at < :cutoff"};
        case ended_rows::expired_sessions: return {"sessions", "id", "expires_at < :cutoff"};
        case ended_rows::revoked_sessions: return {"sessions", "id", "revoked_at < :cutoff"};
        case ended_rows::finished_messages:
            return {"messages", "id", "status IN ('sent', 'dead', 'expired') AND created_at < :cutoff"};
        case ended_rows::published_outbox: return {"outbox", "id", "processed AND processed_at < :cutoff"};
        case ended_rows::audit_events: return {"audit_events", "id", "occurred_at < :cutoff"};
    }
    throw std::invalid_argument("unknown kind of ended rows");
}
}  // namespace

int soci_retention::delete_ended(ended_rows rows, time_point cutoff_value, int limit) {
    const auto rule = rule_of(rows);
    std::tm cutoff = to_tm(cutoff_value);
    const auto text = dialect_.delete_batch(rule.table, rule.key, rule.condition, limit);
    soci::statement st = rows == ended_rows::otp_lockouts
                             ? (sql_.prepare << text, soci::use(cutoff, "cutoff"), soci::use(cutoff, "cutoff2"))
                             : (sql_.prepare << text, soci::use(cutoff, "cutoff"));
    return static_cast<int>(execute_counting(st));
}

bool soci_retention::lease_task(std::string_view task_view, time_point now_value, time_point until_value) {
    const std::string task(task_view);
    std::tm now = to_tm(now_value), until = to_tm(until_value);
    soci::statement st = (sql_.prepare << "UPDATE task_leases SET lease_until = :until "
                                          "WHERE name = :name AND lease_until <= :now",
                          soci::use(until), soci::use(task), soci::use(now));
    return execute_counting(st) == 1;
}

void soci_retention::release_task(std::string_view task_view, time_point until_value) {
    const std::string task(task_view);
    std::tm until = to_tm(until_value), free{};
    free.tm_year = 100;  // 2000-01-01: long past
    free.tm_mday = 1;
    sql_ << "UPDATE task_leases SET lease_until = :free WHERE name = :name AND lease_until = :until", soci::use(free),
        soci::use(task), soci::use(until);
}

}  // namespace authd::storage
