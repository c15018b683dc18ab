#pragma once
#include "core/common/time.hpp"

namespace authd {

/// Every "now" of the domain comes from here; tests move a fake one instead of sleeping.
class clock {
public:
    virtual ~clock() = default;
    virtual time_point now() const = 0;
};

}  // namespace authd
