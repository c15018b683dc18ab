#pragma once
#include <cstdint>

namespace authd {

/// How often a cache answered from memory (hits) or sent the caller to the source (misses).
struct lookup_counts {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;

    lookup_counts& operator+=(const lookup_counts& more) {
        hits += more.hits;
        misses += more.misses;
        return *this;
    }
};

}  // namespace authd
