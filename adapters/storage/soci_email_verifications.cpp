#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One email_verifications row.
struct verification_row : row_of<email_verification, "email_verifications", "token_hash"> {
    email_verification v;
    std::tm created{}, expires{};
    nullable_time used;

    verification_row() = default;
    explicit verification_row(const email_verification& from)
        : v(from), created(to_tm(from.created_at)), expires(to_tm(from.expires_at)), used(from.used_at) {}

    template <class Each>
    void each_column(Each each) {
        each("token_hash", v.token_digest);
        each("user_id", v.user_id);
        each("created_at", created);
        each("expires_at", expires);
        each("used_at", used.value, used.ind);
    }

    email_verification to_entity() const {
        email_verification out = v;
        out.created_at = from_tm(created);
        out.expires_at = from_tm(expires);
        out.used_at = used.get();
        return out;
    }
};
}  // namespace

void soci_email_verifications::insert(const email_verification& v) { insert_row<verification_row>(sql_, v); }

std::optional<email_verification> soci_email_verifications::find(std::string_view digest_view) {
    const std::string digest(digest_view);
    return select_one<verification_row>(sql_, select_from<verification_row>() + " WHERE token_hash = :token",
                                        uses(digest));
}

std::optional<email_verification> soci_email_verifications::latest(std::string_view user_view) {
    const std::string user_id(user_view);
    return select_one<verification_row>(
        sql_, select_from<verification_row>() + " WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 1",
        uses(user_id));
}

void soci_email_verifications::end_all(std::string_view user_view, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "UPDATE email_verifications SET used_at = :at WHERE user_id = :user_id AND used_at IS NULL", soci::use(at),
        soci::use(user_id);
}

}  // namespace authd::storage
