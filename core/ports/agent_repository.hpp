#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/agents/agent.hpp"
#include "core/common/paging.hpp"

namespace authd {

class agent_repository {
public:
    virtual ~agent_repository() = default;
    /// False when the phone number, e-mail or license number is taken.
    virtual bool insert(const agent& a) = 0;
    virtual std::optional<agent> find_by_id(std::string_view id) = 0;
    /// find_by_id, with the row locked for the transaction: a suspension and a login of the same agent take turns.
    virtual std::optional<agent> lock_by_id(std::string_view id) = 0;
    virtual std::optional<agent> find_by_phone(std::string_view e164) = 0;
    virtual std::optional<agent> find_by_email(std::string_view email) = 0;
    virtual std::optional<agent> find_by_license(std::string_view license_number) = 0;
    /// Writes the mutable fields (names, e-mail, status, updated_at); false when the new e-mail
    /// belongs to another agent (a race lost against the unique index).
    virtual bool update(const agent& a) = 0;
    /// A page of agents sorted by e-mail.
    virtual std::vector<agent> list(const page_query& q) = 0;
    /// How many agents the query's filter keeps (its page and size aside).
    virtual std::int64_t count(const page_query& q) = 0;
};

}  // namespace authd
