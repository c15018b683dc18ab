#pragma once
// Recording an event, and the admin's view of the trail.
#include <string>
#include <string_view>

#include "core/audit/audit_event.hpp"
#include "core/common/paging.hpp"
#include "core/common/result.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

/// What an event is about and who did it; the origin comes from the current request.
struct audit_entry {
    audit_type type{};
    audit_outcome outcome = audit_outcome::success;
    std::string_view principal_id = {};
    std::string_view actor_id = {};  ///< empty: the principal itself when one is known
    std::string detail = {};
};

/// Adds the event to the transaction of `repos`, stamped with `at` and the current request's origin.
void record(repositories& repos, const audit_entry& entry, time_point at);

/// The admin's view of the trail.
class audit_trail {
public:
    explicit audit_trail(unit_of_work& uow) : uow_(uow) {}
    /// One page, newest first; `size` 1 to 100, `since` before `until`.
    result<page_of<audit_event>> list(const audit_query& q);

private:
    unit_of_work& uow_;
};

}  // namespace authd
