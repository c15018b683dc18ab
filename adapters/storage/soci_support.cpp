#include <soci/sqlite3/soci-sqlite3.h>

#include "adapters/storage/server_drivers.hpp"
#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

std::tm to_tm(time_point t) {
    const std::time_t tt = t.time_since_epoch().count();
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}

time_point from_tm(const std::tm& tm) {
    std::tm copy = tm;
    return time_point{seconds{timegm(&copy)}};
}

bool is_connection_error(const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error) return true;
    if (const auto* p = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        const auto state = sqlstate_of(*p);
        return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
    }
    return false;
}

bool is_retryable(const soci::soci_error& e) {
    if (const auto* m = dynamic_cast<const soci::mysql_soci_error*>(&e))
        return m->err_num_ == 1213 || m->err_num_ == 1205;  // deadlock, lock wait timeout
    if (const auto* p = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
        const auto state = sqlstate_of(*p);
        return state == "40P01" || state == "40001";  // deadlock, serialization failure
    }
    if (const auto* s = dynamic_cast<const soci::sqlite3_soci_error*>(&e))
        return (s->result() & 0xFF) == 5 || (s->result() & 0xFF) == 6;  // SQLITE_BUSY, SQLITE_LOCKED
    return false;
}

std::string contains_pattern(std::string_view text) {
    std::string out = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '!') out += '!';
        out += c;
    }
    return out + "%";
}

long long execute_counting(soci::statement& st) {
    st.execute(true);
    return st.get_affected_rows();
}

}  // namespace authd::storage
