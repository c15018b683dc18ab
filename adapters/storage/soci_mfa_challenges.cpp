#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One mfa_challenges row.
struct challenge_row : row_of<mfa_challenge, "mfa_challenges", "token_hash"> {
    mfa_challenge c;
    std::string method;
    nullable_text code;
    std::tm created{}, expires{};
    nullable_time ended;

    challenge_row() = default;
    explicit challenge_row(const mfa_challenge& from)
        : c(from),
          method(to_string(from.method)),
          code(from.code_digest),
          created(to_tm(from.created_at)),
          expires(to_tm(from.expires_at)),
          ended(from.ended_at) {}

    template <class Each>
    void each_column(Each each) {
        each("token_hash", c.token_digest);
        each("user_id", c.user_id);
        each("method", method);
        each("code_hash", code.value, code.ind);
        each("failures", c.failures);
        each("created_at", created);
        each("expires_at", expires);
        each("ended_at", ended.value, ended.ind);
    }

    mfa_challenge to_entity() const {
        mfa_challenge out = c;
        out.method = stored_enum("mfa_challenges.method", method, parse_factor_method);
        out.code_digest = code.get();
        out.created_at = from_tm(created);
        out.expires_at = from_tm(expires);
        out.ended_at = ended.get();
        return out;
    }
};

}  // namespace

void soci_mfa_challenges::insert(const mfa_challenge& c) { insert_row<challenge_row>(sql_, c); }

std::optional<mfa_challenge> soci_mfa_challenges::lock(std::string_view digest_view) {
    const std::string digest(digest_view);
    return select_one<challenge_row>(
        sql_, select_from<challenge_row>() + " WHERE token_hash = :token" + dialect_.for_update(), uses(digest));
}

void soci_mfa_challenges::update(const mfa_challenge& c) {
    nullable_time ended(c.ended_at);
    sql_ << "UPDATE mfa_challenges SET failures = :failures, ended_at = :ended WHERE token_hash = :token",
        soci::use(c.failures), soci::use(ended.value, ended.ind), soci::use(c.token_digest);
}

void soci_mfa_challenges::end_all(std::string_view user_view, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    sql_ << "UPDATE mfa_challenges SET ended_at = :at WHERE user_id = :user_id AND ended_at IS NULL", soci::use(at),
        soci::use(user_id);
}

}  // namespace authd::storage
