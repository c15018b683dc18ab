#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {

namespace {
/// One otp_codes row.
struct otp_row : row_of<otp_code, "otp_codes"> {
    otp_code c;
    std::string method;
    std::tm created{}, expires{};
    nullable_time consumed;

    otp_row() = default;
    explicit otp_row(const otp_code& from)
        : c(from),
          method(to_string(from.method)),
          created(to_tm(from.created_at)),
          expires(to_tm(from.expires_at)),
          consumed(from.consumed_at) {}

    template <class Each>
    void each_column(Each each) {
        each("id", c.id);
        each("phone_number", c.phone_number);
        each("code_hash", c.code_digest);
        each("delivery_method", method);
        each("created_at", created);
        each("expires_at", expires);
        each("consumed_at", consumed.value, consumed.ind);
    }

    otp_code to_entity() const {
        otp_code out = c;
        out.method = stored_enum("otp_codes.delivery_method", method, parse_delivery_method);
        out.created_at = from_tm(created);
        out.expires_at = from_tm(expires);
        out.consumed_at = consumed.get();
        return out;
    }
};
}  // namespace

void soci_otps::insert(const otp_code& c) { insert_row<otp_row>(sql_, c); }

std::optional<otp_code> soci_otps::latest(std::string_view phone_view) {
    const std::string phone(phone_view);
    // Open codes first among equals: a new code consumes the older ones before it is written.
    return select_one<otp_row>(sql_,
                               select_from<otp_row>() +
                                   " WHERE phone_number = :phone "
                                   "ORDER BY created_at DESC, CASE WHEN consumed_at IS NULL THEN 0 ELSE 1 END LIMIT 1",
                               uses(phone));
}

void soci_otps::void_open(std::string_view phone_view, time_point now) {
    const std::string phone(phone_view);
    std::tm at = to_tm(now);
    sql_ << "UPDATE otp_codes SET consumed_at = :at WHERE phone_number = :phone AND consumed_at IS NULL", soci::use(at),
        soci::use(phone);
}

bool soci_otps::consume(std::string_view id_view, time_point now) {
    const std::string id(id_view);
    std::tm at = to_tm(now);
    soci::statement st =
        (sql_.prepare << "UPDATE otp_codes SET consumed_at = :at WHERE id = :id AND consumed_at IS NULL", soci::use(at),
         soci::use(id));
    return execute_counting(st) == 1;
}

lockout_state soci_otps::select_lockout(const std::string& phone, bool lock) {
    int failures = 0;
    nullable_time locked_until;
    sql_ << "SELECT failed_attempts, locked_until FROM otp_lockouts WHERE phone_number = :phone"
         << (lock ? dialect_.for_update() : ""),
        soci::use(phone), soci::into(failures), soci::into(locked_until.value, locked_until.ind);
    if (!sql_.got_data()) return {};
    return lockout_state{failures, locked_until.get()};
}

lockout_state soci_otps::lock_lockout(std::string_view phone_view) {
    const std::string phone(phone_view);
    // The row must exist before it can be locked: otherwise two first attempts would both read "no failures".
    std::tm epoch = to_tm(time_point{});
    sql_ << dialect_.insert_if_absent("otp_lockouts (phone_number, failed_attempts, updated_at) VALUES (:p, 0, :at)",
                                      "phone_number"),
        soci::use(phone), soci::use(epoch);
    return select_lockout(phone, true);
}

lockout_state soci_otps::read_lockout(std::string_view phone) { return select_lockout(std::string(phone), false); }

void soci_otps::save_lockout(std::string_view phone_view, const lockout_state& s, time_point now) {
    const std::string phone(phone_view);
    nullable_time locked_until(s.locked_until);
    std::tm at = to_tm(now);
    sql_ << "UPDATE otp_lockouts SET failed_attempts = :n, locked_until = :until, updated_at = :at "
            "WHERE phone_number = :phone",
        soci::use(s.failures), soci::use(locked_until.value, locked_until.ind), soci::use(at), soci::use(phone);
}

}  // namespace authd::storage
