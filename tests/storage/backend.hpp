#pragma once
// The unit of work under test, chosen by AUTHD_TEST_BACKEND: "memory" (the
// fake the core tests use, held to the same contract), "sqlite" (default),
// "postgresql" or "mysql" on a scratch database.
#include <memory>
#include <string>

#include "adapters/storage/soci_store.hpp"
#include "tests/support/fakes.hpp"
#include "tests/support/scratch_database.hpp"

namespace authd::test {

struct backend_under_test {
    std::unique_ptr<scratch_database> database;
    std::unique_ptr<storage::soci_store> soci;  ///< null for the memory fake
    std::unique_ptr<memory_store> memory;
    unit_of_work* uow = nullptr;

    backend_under_test();
    std::string name() const;
};

}  // namespace authd::test
