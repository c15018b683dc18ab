# Hardening of what we compile, on the authd_options interface target every target of ours links.
# To check a release binary: readelf -h (Type DYN = PIE), readelf -l (GNU_RELRO, GNU_STACK without E),
# readelf -d (FLAGS BIND_NOW: full RELRO), nm -D (__*_chk calls: FORTIFY; __stack_chk_fail: canaries).

# Position-independent executables, so that ASLR moves the program too; -pie at link needs policy
# CMP0083 (NEW since cmake_minimum_required 3.14) and check_pie_supported().
include(CheckPIESupported)
check_pie_supported(OUTPUT_VARIABLE pie_output LANGUAGES CXX)
if(NOT CMAKE_CXX_LINK_PIE_SUPPORTED)
  message(WARNING "The linker cannot make PIE executables: ${pie_output}")
endif()
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

set(authd_optimized "$<CONFIG:Release,RelWithDebInfo>")
target_compile_options(authd_options INTERFACE
  # Canaries on functions with arrays or address-taken locals; probes so that a big stack allocation
  # cannot jump over the guard page.
  "$<${authd_optimized}:-fstack-protector-strong;-fstack-clash-protection>")
# Full RELRO: the GOT is read-only after start-up (now resolves every symbol at load); no executable stack.
target_link_options(authd_options INTERFACE "$<${authd_optimized}:-Wl,-z,relro,-z,now;-Wl,-z,noexecstack>")

# FORTIFY level 3 (glibc 2.34+, gcc 12+, clang 14: __builtin_dynamic_object_size) also checks buffers whose size
# is known only at run time. It needs optimisation, hence release builds only. The sanitizers intercept the
# same functions and find more, so a sanitized build goes without (ASan's documentation advises so).
if(NOT (AUTHD_SANITIZE OR AUTHD_TSAN OR AUTHD_FUZZ))
  # -U first: a toolchain that predefines another level would otherwise warn about the redefinition (-Werror).
  target_compile_options(authd_options INTERFACE "$<${authd_optimized}:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=3>")
endif()

# Tests (Debug) check std::vector/string/span indexing, front() on empty containers and the like in libstdc++.
target_compile_definitions(authd_options INTERFACE "$<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>")
