#pragma once
#include <cstdint>
#include <vector>

#include "core/audit/audit_event.hpp"

namespace authd {

/// The audit trail's table. add() writes in the caller's transaction: the event commits or rolls back with the
/// change it records.
class audit_repository {
public:
    virtual ~audit_repository() = default;
    virtual void add(const audit_event& e) = 0;
    /// One page, newest first.
    virtual std::vector<audit_event> list(const audit_query& q) = 0;
    virtual std::int64_t count(const audit_query& q) = 0;
};

}  // namespace authd
