# Third-party libraries, all from Debian's packages (scripts/setup installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)

# Debian's SOCI ships no CMake package: find its libraries and headers ourselves.
# Its backend headers include <libpq-fe.h> and <mysql.h>, hence the extra folders.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_path(MARIADB_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql REQUIRED)
# The PostgreSQL and MySQL drivers are found too, so that a missing one fails here rather than at run time.
foreach(part core sqlite3 postgresql mysql)
  find_library(SOCI_${part}_LIBRARY NAMES soci_${part} REQUIRED)
endforeach()
# authd links SOCI's core and SQLite driver; it loads the PostgreSQL and MySQL drivers (and with them libpq and
# libmariadb) only when a database URL names them (adapters/storage/server_drivers.cpp), and so do the tests.
add_library(soci_all INTERFACE)
target_include_directories(soci_all SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${PostgreSQL_INCLUDE_DIRS} ${MARIADB_INCLUDE_DIR})
target_link_libraries(soci_all INTERFACE ${SOCI_sqlite3_LIBRARY} ${SOCI_core_LIBRARY} SQLite::SQLite3 ${CMAKE_DL_LIBS})

find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(rapidjson_headers INTERFACE)
target_include_directories(rapidjson_headers SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
target_compile_definitions(rapidjson_headers INTERFACE RAPIDJSON_HAS_STDSTRING=1)

find_path(ARGON2_INCLUDE_DIR argon2.h REQUIRED)
find_library(ARGON2_LIBRARY argon2 REQUIRED)
find_library(CRYPT_LIBRARY crypt REQUIRED)
# zxcvbn (libzxcvbn-dev): its lists of common passwords, names and words, and the patterns people build from them.
find_path(ZXCVBN_INCLUDE_DIR zxcvbn.h REQUIRED)
find_library(ZXCVBN_LIBRARY zxcvbn REQUIRED)

find_path(HIREDIS_INCLUDE_DIR hiredis/hiredis.h REQUIRED)
find_library(HIREDIS_LIBRARY hiredis REQUIRED)
