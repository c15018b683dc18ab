#pragma once
// The properties the fuzz targets assert. A failed one names itself on stderr and aborts, so that libFuzzer
// keeps the input (build-fuzz/crashes/<target>/) and scripts/fuzz shows which property broke.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition) ((condition) ? void(0) : authd::fuzz::fail(#condition, __FILE__, __LINE__))

namespace authd::fuzz {

[[noreturn]] inline void fail(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "%s:%d: property failed: %s\n", file, line, condition);
    std::abort();
}

}  // namespace authd::fuzz
