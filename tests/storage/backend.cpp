#include "tests/storage/backend.hpp"

#include <cstdlib>

namespace authd::test {

backend_under_test::backend_under_test() {
    const char* env = std::getenv("AUTHD_TEST_BACKEND");
    if (env && std::string(env) == "memory") {
        memory = std::make_unique<memory_store>();
        uow = memory.get();
        return;
    }
    database = std::make_unique<scratch_database>();
    soci = std::make_unique<storage::soci_store>(*storage::database_url::parse(database->url()), 4);
    soci->migrate();
    uow = soci.get();
}

std::string backend_under_test::name() const { return memory ? "memory" : database->backend(); }

}  // namespace authd::test
