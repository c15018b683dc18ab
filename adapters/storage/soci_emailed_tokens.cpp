#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One row of a table of e-mailed tokens (email_verifications, password_resets: the same columns; email_changes has
/// the new address too).
template <sql_name Table, bool WithAddress = false>
struct token_row : row_of<emailed_token, Table, "token_hash"> {
    emailed_token t;
    std::tm created{}, expires{};
    nullable_time used;

    token_row() = default;
    explicit token_row(const emailed_token& from)
        : t(from), created(to_tm(from.created_at)), expires(to_tm(from.expires_at)), used(from.used_at) {}

    template <class Each>
    void each_column(Each each) {
        each("token_hash", t.token_digest);
        each("user_id", t.user_id);
        each("created_at", created);
        each("expires_at", expires);
        each("used_at", used.value, used.ind);
        if constexpr (WithAddress) each("new_email", t.new_email);
    }

    emailed_token to_entity() const {
        emailed_token out = t;
        out.created_at = from_tm(created);
        out.expires_at = from_tm(expires);
        out.used_at = used.get();
        return out;
    }
};
}  // namespace

/// Calls `work` with an empty row of this repository's table: its type carries the table.
template <class Work>
decltype(auto) soci_emailed_tokens::with_row(Work&& work) {
    if (table_ == emailed_token_table::password_resets) return work(token_row<"password_resets">{});
    if (table_ == emailed_token_table::email_changes) return work(token_row<"email_changes", true>{});
    return work(token_row<"email_verifications">{});
}

void soci_emailed_tokens::insert(const emailed_token& t) {
    with_row([&]<class Row>(Row) { insert_row<Row>(sql_, t); });
}

std::optional<emailed_token> soci_emailed_tokens::find(std::string_view digest_view) {
    const std::string digest(digest_view);
    return with_row([&]<class Row>(Row) {
        return select_one<Row>(sql_, select_from<Row>() + " WHERE token_hash = :token", uses(digest));
    });
}

std::optional<emailed_token> soci_emailed_tokens::latest(std::string_view user_view) {
    const std::string user_id(user_view);
    return with_row([&]<class Row>(Row) {
        return select_one<Row>(sql_, select_from<Row>() + " WHERE user_id = :user_id ORDER BY created_at DESC LIMIT 1",
                               uses(user_id));
    });
}

void soci_emailed_tokens::end_all(std::string_view user_view, time_point now) {
    const std::string user_id(user_view);
    std::tm at = to_tm(now);
    with_row([&]<class Row>(Row) {
        sql_ << std::string("UPDATE ") + Row::table + " SET used_at = :at WHERE user_id = :user_id AND used_at IS NULL",
            soci::use(at), soci::use(user_id);
    });
}

}  // namespace authd::storage
