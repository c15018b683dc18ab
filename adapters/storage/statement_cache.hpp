#pragma once
// The statements one connection keeps prepared between transactions. Preparing is not free: SQLite parses and plans
// the SQL each time (a fifth of the refresh path's CPU, all of it inside the one writer's turn), and PostgreSQL spends
// a round trip on it. The hot paths run theirs through run_prepared() instead, which prepares once per connection.
#include <soci/soci.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {

/// One connection's prepared statements, by their SQL text. The pool empties it before the connection closes or
/// reconnects, and calls release_dropped() when it lends the connection out.
class statement_cache {
public:
    struct entry {
        virtual ~entry() = default;
    };

    /// `server_side`: the database keeps prepared statements of its own (PostgreSQL), which a dropped statement
    /// deallocates with a round trip of its own.
    explicit statement_cache(bool server_side = false) : server_side_(server_side) {}

    /// The entry for `text` on this connection, prepared on first use.
    template <class Entry>
    Entry& get(soci::session& sql, const std::string& text) {
        auto [slot, made] = entries_.try_emplace(text);
        if (made) {
            try {
                slot->second = std::make_unique<Entry>(sql, text);
            } catch (...) {
                entries_.erase(slot);
                throw;
            }
        }
        auto* e = dynamic_cast<Entry*>(slot->second.get());
        if (!e) throw std::logic_error("one SQL text prepared with two different bindings: " + text.substr(0, 64));
        return *e;
    }

    /// Drops the statement for `text`; it is prepared again on its next use. A server-side statement is kept until
    /// release_dropped(): dropped inside a transaction PostgreSQL has aborted, its DEALLOCATE would be refused, and
    /// the statement would stay on the server for the connection's life.
    void drop(const std::string& text) {
        const auto it = entries_.find(text);
        if (it == entries_.end()) return;
        if (server_side_) dropped_.push_back(std::move(it->second));
        entries_.erase(it);
    }
    /// Frees the statements drop() kept: call it outside any transaction.
    void release_dropped() { dropped_.clear(); }
    void clear() {
        dropped_.clear();
        entries_.clear();
    }
    /// Statements ready for use, and dropped ones not yet released.
    std::size_t size() const { return entries_.size(); }
    std::size_t dropped() const { return dropped_.size(); }

private:
    bool server_side_;
    std::unordered_map<std::string, std::unique_ptr<entry>> entries_;
    std::vector<std::unique_ptr<entry>> dropped_;
};

/// The row type of a statement that reads none (an INSERT, UPDATE or DELETE).
struct no_row {
    template <class Each>
    void each_column(Each /*each*/) {}
};

namespace detail {
template <class T>
void bind_param(soci::statement& st, T& value) {
    st.exchange(soci::use(value));
}
template <class T>
void bind_param(soci::statement& st, nullable<T>& value) {
    st.exchange(soci::use(value.value, value.ind));
}
}  // namespace detail

/// A statement kept prepared with the variables it is bound to (SOCI binds by address): its parameters, in the order
/// of the placeholders, and the row it reads into.
template <class Row, class... Params>
struct prepared_statement final : statement_cache::entry {
    Row row{};
    std::tuple<Params...> params{};
    soci::statement st;

    prepared_statement(soci::session& sql, const std::string& text) : st(sql) {
        st.alloc();
        bind_into(st, row);
        std::apply([&](auto&... p) { (detail::bind_param(st, p), ...); }, params);
        st.prepare(text);
        st.define_and_bind();
    }
};

/// Runs `text`, prepared once per connection, with `params`; `on_row(row)` is called for each row read and returns
/// whether to go on. Returns the rows a write changed.
///
/// Every row is stepped through even when `on_row` stops early: an SQLite statement left mid-result would hold its
/// read snapshot open on the connection. A statement that fails is dropped, and made again on its next use.
template <class Row, class OnRow, class... Params>
long long run_prepared(soci::session& sql, statement_cache& cache, const std::string& text, OnRow&& on_row,
                       Params... params) {
    auto& p = cache.get<prepared_statement<Row, Params...>>(sql, text);
    try {
        p.params = std::make_tuple(std::move(params)...);
        bool more = p.st.execute(true);
        while (more && on_row(p.row)) more = p.st.fetch();
        while (more) more = p.st.fetch();
        return p.st.get_affected_rows();
    } catch (...) {
        cache.drop(text);
        throw;
    }
}

/// A write run through run_prepared: the rows it changed.
template <class... Params>
long long execute_prepared(soci::session& sql, statement_cache& cache, const std::string& text, Params... params) {
    return run_prepared<no_row>(
        sql, cache, text, [](no_row&) { return false; }, std::move(params)...);
}

/// The first row `text` selects, as an entity, through run_prepared.
template <class Row, class... Params>
std::optional<typename Row::entity> select_one_prepared(soci::session& sql, statement_cache& cache,
                                                        const std::string& text, Params... params) {
    std::optional<typename Row::entity> out;
    run_prepared<Row>(
        sql, cache, text,
        [&](const Row& r) {
            out = r.to_entity();
            return false;
        },
        std::move(params)...);
    return out;
}

}  // namespace authd::storage
