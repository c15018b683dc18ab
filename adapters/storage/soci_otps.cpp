#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

void soci_otps::insert(const otp_code& c) {
    const std::string method = c.method == delivery_method::sms ? "sms" : "email";
    std::tm created = to_tm(c.created_at), expires = to_tm(c.expires_at);
    nullable_time consumed(c.consumed_at);
    sql_ << "INSERT INTO otp_codes (id, phone_number, code_hash, delivery_method, created_at, expires_at, consumed_at) "
            "VALUES (:id, :phone, :hash, :method, :created, :expires, :consumed)",
        soci::use(c.id), soci::use(c.phone_number), soci::use(c.code_digest), soci::use(method), soci::use(created),
        soci::use(expires), soci::use(consumed.value, consumed.ind);
}

std::optional<otp_code> soci_otps::latest(std::string_view phone_view) {
    const std::string phone(phone_view);
    otp_code c;
    std::string method;
    std::tm created{}, expires{};
    nullable_time consumed;
    // Open codes first among equals: a new code consumes the older ones before it is written.
    sql_ << "SELECT id, phone_number, code_hash, delivery_method, created_at, expires_at, consumed_at FROM otp_codes "
            "WHERE phone_number = :phone "
            "ORDER BY created_at DESC, CASE WHEN consumed_at IS NULL THEN 0 ELSE 1 END LIMIT 1",
        soci::use(phone), soci::into(c.id), soci::into(c.phone_number), soci::into(c.code_digest), soci::into(method),
        soci::into(created), soci::into(expires), soci::into(consumed.value, consumed.ind);
    if (!sql_.got_data()) return std::nullopt;
    c.method = method == "email" ? delivery_method::email : delivery_method::sms;
    c.created_at = from_tm(created);
    c.expires_at = from_tm(expires);
    c.consumed_at = consumed.get();
    return c;
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
         << (lock ? for_update(dialect_) : ""),
        soci::use(phone), soci::into(failures), soci::into(locked_until.value, locked_until.ind);
    if (!sql_.got_data()) return {};
    return lockout_state{failures, locked_until.get()};
}

lockout_state soci_otps::lock_lockout(std::string_view phone_view) {
    const std::string phone(phone_view);
    // The row must exist before it can be locked: otherwise two first attempts would both read "no failures".
    std::tm epoch = to_tm(time_point{});
    sql_ << insert_if_absent(dialect_, "otp_lockouts (phone_number, failed_attempts, updated_at) VALUES (:p, 0, :at)",
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
