#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "core/ports/agent_repository.hpp"
#include "core/ports/audit_repository.hpp"
#include "core/ports/catalog_repository.hpp"
#include "core/ports/emailed_token_repository.hpp"
#include "core/ports/event_repository.hpp"
#include "core/ports/message_queue_repository.hpp"
#include "core/ports/mfa_challenge_repository.hpp"
#include "core/ports/otp_repository.hpp"
#include "core/ports/outbox_repository.hpp"
#include "core/ports/recovery_code_repository.hpp"
#include "core/ports/retention_repository.hpp"
#include "core/ports/sealed_value_repository.hpp"
#include "core/ports/session_repository.hpp"
#include "core/ports/signing_key_repository.hpp"
#include "core/ports/user_repository.hpp"

namespace authd {

/// The repositories of one transaction, bound to one connection.
struct repositories {
    user_repository& users;
    session_repository& sessions;
    agent_repository& agents;
    otp_repository& otps;
    event_repository& events;
    outbox_repository& outbox;
    catalog_repository& catalog;
    mfa_challenge_repository& challenges;
    recovery_code_repository& recovery_codes;
    emailed_token_repository& verifications;    ///< e-mail verification tokens
    emailed_token_repository& password_resets;  ///< password reset tokens
    emailed_token_repository& email_changes;    ///< confirmations of a new address (with the address)
    message_queue_repository& messages;
    retention_repository& retention;
    audit_repository& audit;
    signing_key_repository& signing_keys;
    sealed_value_repository& sealed_values;  ///< every value sealed under DB_ENCRYPTION_KEY, for a reseal
    /// Run once the transaction has committed (never after a rollback, nor for an attempt that is run again):
    /// what must see the committed rows, such as waking a deliverer.
    std::vector<std::function<void()>>& after_commit;
};

/// Runs work in one transaction. It commits when the work returns (a domain
/// failure returned as a value commits too: a failed login must still count)
/// and rolls back when the work throws.
///
/// Adapter failures surface as exceptions: storage_unavailable when the
/// database cannot be reached.
///
/// A write's work may run on another thread than its caller's, which waits for it (SQLite's store commits the
/// writes that queued together, all run by one thread): the request's origin (current_origin) goes with it, and no
/// other thread-local state may be relied on inside it.
class unit_of_work {
public:
    virtual ~unit_of_work() = default;
    virtual void write(const std::function<void(repositories&)>& work) = 0;
    /// Read-only work: cheaper, never blocks writers. Each statement is atomic, but
    /// several statements need not see one snapshot: use write() when that matters.
    virtual void read(const std::function<void(repositories&)>& work) = 0;
};

/// Thrown by storage adapters when the database is unreachable; the HTTP
/// adapter answers 503 database_unavailable.
class storage_unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <class F>
auto write_tx(unit_of_work& uow, F&& work) -> std::invoke_result_t<F, repositories&> {
    std::optional<std::invoke_result_t<F, repositories&>> out;
    uow.write([&](repositories& r) { out.emplace(work(r)); });
    return std::move(*out);
}

template <class F>
auto read_tx(unit_of_work& uow, F&& work) -> std::invoke_result_t<F, repositories&> {
    std::optional<std::invoke_result_t<F, repositories&>> out;
    uow.read([&](repositories& r) { out.emplace(work(r)); });
    return std::move(*out);
}

}  // namespace authd
