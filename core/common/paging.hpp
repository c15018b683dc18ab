#pragma once
// One page of a list: the request (`page`, `size`, optional filter) and the answer's envelope.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/validation.hpp"

namespace authd {

/// A page of accounts, sorted by e-mail; `email_contains` keeps those whose e-mail contains it (any case).
struct page_query {
    int page = 0;
    int size = 20;
    std::optional<std::string> email_contains;
};

template <class T>
struct page_of {
    std::vector<T> items;
    int number = 0;
    int size = 0;
    std::int64_t total_elements = 0;
    std::int64_t total_pages = 0;
};

/// The last page number a list answers: far past any list, and page × size stays far inside 64 bits.
inline constexpr std::int64_t max_page = 1'000'000'000;

/// `page` 0 to max_page, `size` 1 to 100: the bounds of every list of the API, written here only.
inline void check_page(std::int64_t page, std::int64_t size, validator& v) {
    if (page < 0) v.add("page", "must be 0 or more");
    if (page > max_page) v.add("page", "must be at most 1000000000");
    if (size < 1 || size > 100) v.add("size", "must be from 1 to 100");
}
inline void check_page(const page_query& q, validator& v) { check_page(q.page, q.size, v); }

}  // namespace authd
