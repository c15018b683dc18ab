// Catch2 builds its own main() here, once for the whole crypto_tests executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
