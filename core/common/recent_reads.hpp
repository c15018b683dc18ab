#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/common/lookup_counts.hpp"

namespace authd {

/// How long recent_reads trusts a value, and how many it holds.
struct recent_reads_settings {
    std::chrono::milliseconds recheck{100};
    std::chrono::milliseconds quarantine{2000};
    std::size_t capacity = 65536;  ///< entries, over all shards; 0 turns it off
};

/// What the database said recently, by key, so that a hot read can skip it. Correctness rests on three rules:
/// - a value is trusted for at most `recheck` after the read that gave it: a change made by another instance sharing
///   the database is seen within that bound;
/// - a change made by this instance calls forget(), which drops the value at once and, for `quarantine` afterwards,
///   refuses to store that key again, so that a read racing the changing transaction (it read the row before the
///   commit) cannot put the old value back;
/// - a full shard drops an entry: a miss only costs a read.
/// Sharded by key, each shard with its own lock: no lock is shared by every request.
template <typename Value>
class recent_reads {
public:
    using ticks = std::chrono::steady_clock::time_point;
    using ticker = std::function<ticks()>;

    using settings = recent_reads_settings;

    explicit recent_reads(
        settings s, ticker now = [] { return std::chrono::steady_clock::now(); })
        : settings_(s), now_(std::move(now)) {}

    /// The value read within `recheck`, if any.
    std::optional<Value> find(std::string_view key) const {
        return find(key, [](const Value&) { return true; });
    }

    /// The value read within `recheck` that `usable` accepts, if any. One it refuses is dropped, and counts as a miss
    /// like one read too long ago: the caller goes to the database for it.
    template <typename Usable>
    std::optional<Value> find(std::string_view key, const Usable& usable) const {
        if (settings_.capacity == 0) return std::nullopt;
        const auto t = now_();
        shard& s = shard_of(key);
        const std::lock_guard guard(s.lock);
        const auto it = s.values.find(key);
        if (it == s.values.end()) {
            ++s.counts.misses;
            return std::nullopt;
        }
        if (t - it->second.read_at >= settings_.recheck || !usable(std::as_const(it->second.value))) {
            s.values.erase(it);
            ++s.counts.misses;
            return std::nullopt;
        }
        ++s.counts.hits;
        return it->second.value;
    }

    /// Records what a read just gave.
    void remember(std::string_view key, Value value) {
        if (settings_.capacity == 0) return;
        const auto t = now_();
        shard& s = shard_of(key);
        const std::lock_guard guard(s.lock);
        if (const auto q = s.quarantined.find(key); q != s.quarantined.end()) {
            if (q->second > t) return;
            s.quarantined.erase(q);
        }
        const auto it = s.values.find(key);
        if (it != s.values.end()) {
            it->second = {std::move(value), t};
            return;
        }
        if (s.values.size() >= std::max<std::size_t>(1, settings_.capacity / shard_count))
            s.values.erase(s.values.begin());
        s.values.emplace(std::string(key), entry{std::move(value), t});
    }

    /// The value of `key` changed here: drop it, and keep out reads that raced the change.
    void forget(std::string_view key) {
        const auto t = now_();
        shard& s = shard_of(key);
        const std::lock_guard guard(s.lock);
        if (const auto it = s.values.find(key); it != s.values.end()) s.values.erase(it);
        // Quarantines expire: the old ones are swept here, so the map stays as small as the recent changes.
        std::erase_if(s.quarantined, [&](const auto& q) { return q.second <= t; });
        s.quarantined.insert_or_assign(std::string(key), t + settings_.quarantine);
    }

    /// Whether forget(key) was called within `quarantine`.
    bool changed_recently(std::string_view key) const {
        const auto t = now_();
        shard& s = shard_of(key);
        const std::lock_guard guard(s.lock);
        const auto q = s.quarantined.find(key);
        return q != s.quarantined.end() && q->second > t;
    }

    /// Drops every value `doomed` says so of (a rare, whole-table event: a scan of every shard is fine).
    void forget_if(const std::function<bool(const Value&)>& doomed) {
        for (auto& s : shards_) {
            const std::lock_guard guard(s.lock);
            std::erase_if(s.values, [&](const auto& e) { return doomed(e.second.value); });
        }
    }

    std::size_t size() const {
        std::size_t n = 0;
        for (auto& s : shards_) {
            const std::lock_guard guard(s.lock);
            n += s.values.size();
        }
        return n;
    }

    /// Every find() so far, while turned on (capacity above 0). Counted under each shard's own lock.
    lookup_counts lookups() const {
        lookup_counts total;
        for (auto& s : shards_) {
            const std::lock_guard guard(s.lock);
            total += s.counts;
        }
        return total;
    }

private:
    struct entry {
        Value value;
        ticks read_at;
    };
    /// Lets find() look a string_view up without building a string.
    struct text_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    template <typename T>
    using by_text = std::unordered_map<std::string, T, text_hash, std::equal_to<>>;
    struct shard {
        mutable std::mutex lock;
        by_text<entry> values;
        by_text<ticks> quarantined;  ///< key -> until when
        lookup_counts counts;
    };
    static constexpr std::size_t shard_count = 16;

    shard& shard_of(std::string_view key) const { return shards_[text_hash{}(key) % shard_count]; }

    settings settings_;
    ticker now_;
    mutable std::array<shard, shard_count> shards_;
};

}  // namespace authd
