#pragma once
// SOCI's PostgreSQL and MySQL drivers, loaded the first time a database URL names one of them. Linked in, they would
// map libpq, libmariadb and what those bring (Kerberos, LDAP, GnuTLS) into every process, SQLite's included: about
// 5 MiB of resident memory that a SQLite instance never uses.
//
// The error types need no loading: SOCI's headers define them inline, so their type information is compiled into
// whoever catches them, and a dynamic_cast works across the boundary (type information compares by name).
#include <soci/mysql/soci-mysql.h>
#include <soci/postgresql/soci-postgresql.h>

#include <string>

namespace authd::storage {

/// The drivers' factories. Each loads its driver on first use; a missing library throws, naming it.
const soci::backend_factory& postgresql_factory();
const soci::backend_factory& mysql_factory();

/// The SQLSTATE of a PostgreSQL error. Only the PostgreSQL driver throws one, so it is loaded by then.
std::string sqlstate_of(const soci::postgresql_soci_error& e);

/// Closes the libpq connection under a SOCI session without a word to the server (PQfinish).
void finish_postgresql_connection(PGconn* connection);

}  // namespace authd::storage
