#include "adapters/storage/connection_pool.hpp"

#include <algorithm>
#include <filesystem>
#include <string>

#include "adapters/storage/soci_internal.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd::storage {
namespace {
/// Every connection to ":memory:" is a database of its own: keep exactly one.
std::size_t pool_size_for(const database_url& url, std::size_t wanted) {
    return url.in_memory() ? 1 : std::max<std::size_t>(1, wanted);
}
}  // namespace

connection_pool::connection_pool(const database_url& url, std::size_t size)
    : url_(url), dialect_(url.kind), size_(pool_size_for(url, size)), pool_(size_), broken_(size_) {
    prepared_.reserve(size_);
    for (std::size_t i = 0; i < size_; ++i) prepared_.emplace_back(url.kind == dialect::postgresql);
    if (url.kind == dialect::sqlite && !url.in_memory()) {
        // A fresh checkout has no data/ folder yet: make it rather than fail.
        const auto parent = std::filesystem::path(url.path).parent_path();
        std::error_code ignored;
        if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
    }
    try {
        for (std::size_t i = 0; i < size_; ++i) dialect_.open(pool_.at(i), url_);
    } catch (const soci::soci_error& e) {
        // A server driver's text may hold the connection string: for those, say only where it failed.
        throw storage_unavailable("cannot connect to " + url.redacted() +
                                  (url.kind == dialect::sqlite ? std::string(": ") + e.get_error_message() : ""));
    }
}

void connection_pool::with_connection(const std::function<void(soci::session&, statement_cache&)>& work) {
    std::size_t pos = 0;
    if (!pool_.try_lease(pos, 5000)) throw storage_unavailable("no database connection free within 5 s");
    ++in_use_;
    struct give_back {
        soci::connection_pool& pool;
        std::size_t pos;
        std::atomic<int>& in_use;
        ~give_back() {
            --in_use;
            pool.give_back(pos);
        }
    } guard{pool_, pos, in_use_};
    soci::session& sql = pool_.at(pos);
    try {
        if (broken_[pos].load()) {
            dialect_.abandon(sql);  // first: the statements' clean-up must not talk to a server that may be gone
            prepared_[pos].clear();
            sql.close();
            dialect_.open(sql, url_);
            broken_[pos] = false;
        }
        prepared_[pos].release_dropped();  // between transactions, where PostgreSQL takes a DEALLOCATE
        work(sql, prepared_[pos]);
    } catch (const soci::soci_error& e) {
        if (is_connection_error(e) || !sql.is_connected()) {
            // One dead connection means the server went away: every pooled connection
            // reconnects before its next use, so that recovery needs no failed request.
            for (auto& b : broken_) b = true;
            throw storage_unavailable("database connection lost");
        }
        throw driver_error(e);
    }
}

std::runtime_error connection_pool::driver_error(const soci::soci_error& e) {
    // First line only: PostgreSQL's DETAIL lines can quote a whole row ("Failing row contains
    // (…)"), password hash included, and this text reaches the error log.
    std::string what = e.get_error_message();
    what = what.substr(0, what.find('\n'));
    return std::runtime_error("database error: " + what);
}

}  // namespace authd::storage
