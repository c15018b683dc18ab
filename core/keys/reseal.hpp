#pragma once
// `authd keys reseal`: after DB_ENCRYPTION_KEYS gained a new first key, seal every stored secret again under it, so
// that the old keys can leave the list.
#include <cstdint>

#include "core/ports/secret_box.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

struct reseal_report {
    std::int64_t resealed = 0;    ///< values now sealed under the current key
    std::int64_t current = 0;     ///< values that already were
    std::int64_t unreadable = 0;  ///< values no key of the list opens: lost already, left as they are
};

/// Walks every sealed column in pages, each value opened and sealed again in a transaction of its own; a value that
/// changed meanwhile is left alone. Safe to run again, and beside running instances once each has the new list (they
/// open both the old and the new seals, and seal under the new key).
reseal_report reseal_secrets(unit_of_work& uow, secret_box& box);

}  // namespace authd
