// Catch2's main() on its own, so that editing the tests does not recompile it.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
