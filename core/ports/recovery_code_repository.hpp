#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/common/time.hpp"

namespace authd {

/// The TOTP recovery codes of each user, as digests.
class recovery_code_repository {
public:
    virtual ~recovery_code_repository() = default;
    /// Replaces the user's recovery codes by these digests, all unused.
    virtual void replace(std::string_view user_id, const std::vector<std::string>& digests, time_point now) = 0;
    /// Marks an unused recovery code used; false when the user has no such unused code.
    virtual bool use(std::string_view user_id, std::string_view digest, time_point now) = 0;
};

}  // namespace authd
