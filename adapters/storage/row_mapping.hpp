#pragma once
// The one way an entity meets its table. A row type names its columns once, in each_column(); the SELECT list, the
// INSERT and UPDATE statements and every binding are made from that list, so that a column is added in one place.
//
// A row type R derives from row_of<entity, "table", "key", generated_key> (key: the column an UPDATE finds the row
// by; generated_key: the database numbers the rows, so the INSERT leaves the key out), and provides
//   R() and explicit R(const entity&);         entity to_entity() const;
//   template <class Each> void each_column(Each each);  each(name, value) or each(name, value, indicator), in order
// An UPDATE writes every column but the key and created_at, which a row keeps from its INSERT.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "adapters/storage/soci_internal.hpp"

namespace authd::storage {

/// A table or column name given as a template argument.
template <std::size_t N>
struct sql_name {
    char text[N];
    constexpr sql_name(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT: implicit from a literal, on purpose
};

/// What every row type says about its table.
template <class Entity, sql_name Table, sql_name Key = "id", bool GeneratedKey = false>
struct row_of {
    using entity = Entity;
    static constexpr const char* table = Table.text;
    static constexpr const char* key = Key.text;
    static constexpr bool generated_key = GeneratedKey;
};

namespace detail {
template <class Row>
std::vector<std::string> names_of() {
    std::vector<std::string> names;
    Row r{};
    r.each_column([&](const char* name, auto&...) { names.emplace_back(name); });
    return names;
}

inline std::string joined(const std::vector<std::string>& parts, const std::string& before, const std::string& after,
                          const std::string& separator) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : separator) + before + p + after;
    return out;
}
}  // namespace detail

/// "id, email, ...": the columns in the order bind_into() fetches them.
template <class Row>
const std::string& select_list() {
    static const std::string list = detail::joined(detail::names_of<Row>(), "", "", ", ");
    return list;
}

/// "SELECT <columns> FROM <table>", for a WHERE, ORDER or LIMIT to follow.
template <class Row>
std::string select_from() {
    return "SELECT " + select_list<Row>() + " FROM " + Row::table;
}

namespace detail {
template <class Row>
bool inserted(const char* name) {
    return !Row::generated_key || std::strcmp(name, Row::key) != 0;
}
template <class Row>
bool updated(const char* name) {
    return std::strcmp(name, Row::key) != 0 && std::strcmp(name, "created_at") != 0;
}
}  // namespace detail

/// INSERT of every column (less a generated key), placeholders in column order for bind_insert().
template <class Row>
const std::string& insert_statement() {
    static const std::string text = [] {
        std::vector<std::string> names;
        for (const auto& n : detail::names_of<Row>())
            if (detail::inserted<Row>(n.c_str())) names.push_back(n);
        return std::string("INSERT INTO ") + Row::table + " (" + detail::joined(names, "", "", ", ") + ") VALUES (" +
               detail::joined(names, ":", "", ", ") + ")";
    }();
    return text;
}

/// UPDATE of every column but the key and created_at, found by the key; placeholders in the order bind_update()
/// binds.
template <class Row>
const std::string& update_statement() {
    static const std::string text = [] {
        std::vector<std::string> assignments;
        for (const auto& n : detail::names_of<Row>())
            if (detail::updated<Row>(n.c_str())) assignments.push_back(n + " = :" + n);
        return std::string("UPDATE ") + Row::table + " SET " + detail::joined(assignments, "", "", ", ") + " WHERE " +
               Row::key + " = :" + Row::key;
    }();
    return text;
}

namespace detail {
// SOCI keeps references to what it binds: the row must outlive the statement.
template <class T>
void into(soci::statement& st, T& value) {
    st.exchange(soci::into(value));
}
template <class T>
void into(soci::statement& st, T& value, soci::indicator& ind) {
    st.exchange(soci::into(value, ind));
}
template <class T>
void use(soci::statement& st, T& value) {
    st.exchange(soci::use(value));
}
template <class T>
void use(soci::statement& st, T& value, soci::indicator& ind) {
    st.exchange(soci::use(value, ind));
}
}  // namespace detail

template <class Row>
void bind_into(soci::statement& st, Row& r) {
    r.each_column([&](const char*, auto&... column) { detail::into(st, column...); });
}

template <class Row>
void bind_insert(soci::statement& st, Row& r) {
    r.each_column([&](const char* name, auto&... column) {
        if (detail::inserted<Row>(name)) detail::use(st, column...);
    });
}

template <class Row>
void bind_update(soci::statement& st, Row& r) {
    r.each_column([&](const char* name, auto&... column) {
        if (detail::updated<Row>(name)) detail::use(st, column...);
    });
    r.each_column([&](const char* name, auto&... column) {
        if (std::strcmp(name, Row::key) == 0) detail::use(st, column...);
    });
}

/// Binds each value as a use(), in order: the parameters of a WHERE clause.
template <class... Params>
auto uses(Params&... params) {
    return [&params...](soci::statement& st) { (st.exchange(soci::use(params)), ...); };
}

/// A one-off statement: on PostgreSQL a one-time query is one round trip, where a statement meant for reuse would be
/// three (prepare, execute, deallocate). The hot paths keep theirs prepared instead (statement_cache.hpp).
constexpr auto one_off = soci::details::st_one_time_query;

/// Prepares `text`, binds `r` as into() and `params` as use(), and runs it; `on_row` is called after each row
/// and returns whether to fetch the next.
template <class Row, class Bind, class OnRow>
void select_rows(soci::session& sql, Row& r, const std::string& text, Bind&& params, OnRow&& on_row) {
    soci::statement st(sql);
    st.alloc();
    bind_into(st, r);
    params(st);
    st.prepare(text, one_off);
    st.define_and_bind();
    if (!st.execute(true)) return;
    while (on_row() && st.fetch()) {
    }
}

/// Every row `text` selects, as entities.
template <class Row, class Bind>
std::vector<typename Row::entity> select_all(soci::session& sql, const std::string& text, Bind&& params) {
    Row r{};
    std::vector<typename Row::entity> out;
    select_rows(sql, r, text, params, [&] {
        out.push_back(r.to_entity());
        return true;
    });
    return out;
}

/// The first row `text` selects, as an entity.
template <class Row, class Bind>
std::optional<typename Row::entity> select_one(soci::session& sql, const std::string& text, Bind&& params) {
    Row r{};
    std::optional<typename Row::entity> out;
    select_rows(sql, r, text, params, [&] {
        out = r.to_entity();
        return false;
    });
    return out;
}

/// The single number a `SELECT COUNT(*) ...` gives.
template <class Bind>
std::int64_t count_rows(soci::session& sql, const std::string& text, Bind&& params) {
    long long n = 0;
    soci::statement st(sql);
    st.alloc();
    st.exchange(soci::into(n));
    params(st);
    st.prepare(text, one_off);
    st.define_and_bind();
    st.execute(true);
    return n;
}

/// Runs a statement with `r` bound by `bind` (bind_insert or bind_update).
template <class Row, class Bind>
void execute_row(soci::session& sql, const std::string& text, Row& r, Bind bind) {
    soci::statement st(sql);
    st.alloc();
    bind(st, r);
    st.prepare(text, one_off);
    st.define_and_bind();
    st.execute(true);
}

/// INSERT of the entity's row.
template <class Row>
void insert_row(soci::session& sql, const typename Row::entity& e) {
    Row r(e);
    execute_row(sql, insert_statement<Row>(), r, bind_insert<Row>);
}

/// UPDATE of the entity's row by its key.
template <class Row>
void update_row(soci::session& sql, const typename Row::entity& e) {
    Row r(e);
    execute_row(sql, update_statement<Row>(), r, bind_update<Row>);
}

}  // namespace authd::storage
