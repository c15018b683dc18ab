#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

void soci_recovery_codes::replace(std::string_view user_view, const std::vector<std::string>& digests, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "DELETE FROM recovery_codes WHERE user_id = :user_id", soci::use(user_id);
    for (const auto& digest : digests)
        sql_ << "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (:user_id, :code, :at)",
            soci::use(user_id), soci::use(digest), soci::use(at);
}

bool soci_recovery_codes::use(std::string_view user_view, std::string_view digest_view, time_point now) {
    const std::string user_id(user_view), digest(digest_view);
    std::tm at = to_tm(now);
    // The row count decides: of two logins racing with one code, only one updates the row.
    soci::statement st = (sql_.prepare << "UPDATE recovery_codes SET used_at = :at "
                                          "WHERE user_id = :user_id AND code_hash = :code AND used_at IS NULL",
                          soci::use(at), soci::use(user_id), soci::use(digest));
    return execute_counting(st) == 1;
}

}  // namespace authd::storage
