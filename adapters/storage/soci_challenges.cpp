#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

void soci_challenges::insert_challenge(const mfa_challenge& c) {
    std::tm created = to_tm(c.created_at), expires = to_tm(c.expires_at);
    nullable_time ended(c.ended_at);
    std::string code = c.code_digest.value_or("");
    soci::indicator code_ind = c.code_digest ? soci::i_ok : soci::i_null;
    sql_ << "INSERT INTO mfa_challenges (token_hash, user_id, method, code_hash, failures, created_at, expires_at, "
            "ended_at) VALUES (:token, :user_id, :method, :code, :failures, :created, :expires, :ended)",
        soci::use(c.token_digest), soci::use(c.user_id), soci::use(c.method), soci::use(code, code_ind),
        soci::use(c.failures), soci::use(created), soci::use(expires), soci::use(ended.value, ended.ind);
}

std::optional<mfa_challenge> soci_challenges::lock_challenge(std::string_view digest_view) {
    const std::string digest(digest_view);
    mfa_challenge c;
    std::string code;
    soci::indicator code_ind = soci::i_null;
    std::tm created{}, expires{};
    nullable_time ended;
    sql_ << "SELECT token_hash, user_id, method, code_hash, failures, created_at, expires_at, ended_at "
            "FROM mfa_challenges WHERE token_hash = :token"
         << for_update(dialect_),
        soci::use(digest), soci::into(c.token_digest), soci::into(c.user_id), soci::into(c.method),
        soci::into(code, code_ind), soci::into(c.failures), soci::into(created), soci::into(expires),
        soci::into(ended.value, ended.ind);
    if (!sql_.got_data()) return std::nullopt;
    if (code_ind == soci::i_ok) c.code_digest = code;
    c.created_at = from_tm(created);
    c.expires_at = from_tm(expires);
    c.ended_at = ended.get();
    return c;
}

void soci_challenges::update_challenge(const mfa_challenge& c) {
    nullable_time ended(c.ended_at);
    sql_ << "UPDATE mfa_challenges SET failures = :failures, ended_at = :ended WHERE token_hash = :token",
        soci::use(c.failures), soci::use(ended.value, ended.ind), soci::use(c.token_digest);
}

void soci_challenges::end_challenges(std::string_view user_view, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "UPDATE mfa_challenges SET ended_at = :at WHERE user_id = :user_id AND ended_at IS NULL", soci::use(at),
        soci::use(user_id);
}

void soci_challenges::replace_recovery_codes(std::string_view user_view, const std::vector<std::string>& digests,
                                             time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "DELETE FROM recovery_codes WHERE user_id = :user_id", soci::use(user_id);
    for (const auto& digest : digests)
        sql_ << "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (:user_id, :code, :at)",
            soci::use(user_id), soci::use(digest), soci::use(at);
}

bool soci_challenges::use_recovery_code(std::string_view user_view, std::string_view digest_view, time_point now) {
    const std::string user_id(user_view), digest(digest_view);
    std::tm at = to_tm(now);
    // The row count decides: of two logins racing with one code, only one updates the row.
    soci::statement st = (sql_.prepare << "UPDATE recovery_codes SET used_at = :at "
                                          "WHERE user_id = :user_id AND code_hash = :code AND used_at IS NULL",
                          soci::use(at), soci::use(user_id), soci::use(digest));
    return execute_counting(st) == 1;
}

namespace {
/// One email_verifications row as SOCI reads it.
struct verification_row {
    email_verification v;
    std::tm created{}, expires{};
    nullable_time used;

    email_verification get() {
        v.created_at = from_tm(created);
        v.expires_at = from_tm(expires);
        v.used_at = used.get();
        return v;
    }
};

const char* verification_columns =
    "SELECT token_hash, user_id, created_at, expires_at, used_at FROM email_verifications ";
}  // namespace

void soci_challenges::insert_verification(const email_verification& v) {
    std::tm created = to_tm(v.created_at), expires = to_tm(v.expires_at);
    nullable_time used(v.used_at);
    sql_ << "INSERT INTO email_verifications (token_hash, user_id, created_at, expires_at, used_at) "
            "VALUES (:token, :user_id, :created, :expires, :used)",
        soci::use(v.token_digest), soci::use(v.user_id), soci::use(created), soci::use(expires),
        soci::use(used.value, used.ind);
}

std::optional<email_verification> soci_challenges::find_verification(std::string_view digest_view) {
    const std::string digest(digest_view);
    verification_row r;
    sql_ << verification_columns << "WHERE token_hash = :token", soci::use(digest), soci::into(r.v.token_digest),
        soci::into(r.v.user_id), soci::into(r.created), soci::into(r.expires), soci::into(r.used.value, r.used.ind);
    if (!sql_.got_data()) return std::nullopt;
    return r.get();
}

std::optional<email_verification> soci_challenges::latest_verification(std::string_view user_view) {
    const std::string user_id(user_view);
    verification_row r;
    sql_ << verification_columns << "WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 1", soci::use(user_id),
        soci::into(r.v.token_digest), soci::into(r.v.user_id), soci::into(r.created), soci::into(r.expires),
        soci::into(r.used.value, r.used.ind);
    if (!sql_.got_data()) return std::nullopt;
    return r.get();
}

void soci_challenges::end_verifications(std::string_view user_view, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "UPDATE email_verifications SET used_at = :at WHERE user_id = :user_id AND used_at IS NULL", soci::use(at),
        soci::use(user_id);
}

}  // namespace authd::storage
