#include "adapters/storage/server_drivers.hpp"

#include <soci/version.h>

#include "adapters/platform/loaded_library.hpp"

namespace authd::storage {
namespace {

/// libsoci_<backend>.so.<major>.<minor>: the ABI of the SOCI headers this was compiled against.
std::string soci_driver_soname(const char* backend) {
    return std::string("libsoci_") + backend + ".so." + std::to_string(SOCI_VERSION / 100000) + "." +
           std::to_string(SOCI_VERSION / 100 % 1000);
}

using factory_function = const soci::backend_factory* (*)();

struct postgresql_driver {
    loaded_library library{soci_driver_soname("postgresql")};
    const soci::backend_factory* factory = library.get<factory_function>("factory_postgresql")();
    // postgresql_soci_error::sqlstate() is the one member SOCI does not define inline. A const member function
    // returning a class by value takes the same arguments, in the Itanium C++ ABI, as this free function.
    std::string (*sqlstate)(const soci::postgresql_soci_error*) =
        library.get<std::string (*)(const soci::postgresql_soci_error*)>(
            "_ZNK4soci21postgresql_soci_error8sqlstateB5cxx11Ev");
    void (*finish)(PGconn*) = library.get<void (*)(PGconn*)>("PQfinish");  // from libpq, which the driver loaded
};

struct mysql_driver {
    loaded_library library{soci_driver_soname("mysql")};
    const soci::backend_factory* factory = library.get<factory_function>("factory_mysql")();
};

// Function-local statics: loaded once, by whichever thread comes first; a failed load is tried again next time.
const postgresql_driver& postgresql() {
    static const postgresql_driver driver;
    return driver;
}

const mysql_driver& mysql() {
    static const mysql_driver driver;
    return driver;
}

}  // namespace

const soci::backend_factory& postgresql_factory() { return *postgresql().factory; }

const soci::backend_factory& mysql_factory() { return *mysql().factory; }

std::string sqlstate_of(const soci::postgresql_soci_error& e) { return postgresql().sqlstate(&e); }

void finish_postgresql_connection(PGconn* connection) { postgresql().finish(connection); }

}  // namespace authd::storage
