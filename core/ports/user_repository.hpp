#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/paging.hpp"
#include "core/users/user.hpp"

namespace authd {

/// Users (and clients: one identity store). Every call runs inside the
/// unit of work that handed out this repository.
class user_repository {
public:
    virtual ~user_repository() = default;
    /// Inserts the user and its roles; false when the e-mail or username is taken.
    virtual bool insert(const user& u) = 0;
    virtual std::optional<user> find_by_id(std::string_view id) = 0;
    /// E-mail lookups are case-insensitive: e-mails are stored lower-cased.
    virtual std::optional<user> find_by_email(std::string_view email) = 0;
    virtual std::optional<user> find_by_username(std::string_view username) = 0;
    /// Reads the user for an update in this transaction (SELECT ... FOR UPDATE where the dialect has it).
    virtual std::optional<user> lock_by_id(std::string_view id) = 0;
    /// Writes the mutable columns of an existing user (not its roles); false when the new
    /// username or e-mail belongs to someone else (a race lost against the unique index).
    virtual bool update(const user& u) = 0;
    virtual void set_roles(std::string_view id, const std::vector<std::string>& roles) = 0;
    /// Deletes the user with its roles and preferences.
    virtual bool remove(std::string_view id) = 0;

    /// A page of users sorted by e-mail, with their roles.
    virtual std::vector<user> list(const page_query& q) = 0;
    /// How many users the query's filter keeps (its page and size aside).
    virtual std::int64_t count(const page_query& q) = 0;
    /// Active accounts holding `role`, whose rows stay locked until the transaction ends: two admins deleting
    /// themselves at once are counted one after the other, so the last admin never goes.
    virtual std::int64_t lock_active_with_role(std::string_view role) = 0;

    /// The user's preferences as a serialized JSON object; nothing when never saved.
    virtual std::optional<std::string> find_preferences(std::string_view user_id) = 0;
    /// Stores the preferences of an existing user, replacing what was there.
    virtual void save_preferences(std::string_view user_id, std::string_view json, time_point now) = 0;
};

}  // namespace authd
