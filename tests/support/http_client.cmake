# The blocking HTTP test client, for include() next to adapters/http/server.cmake.
add_library(authd_test_http_client STATIC ${CMAKE_CURRENT_LIST_DIR}/http_client.cpp)
target_link_libraries(authd_test_http_client PUBLIC authd_options PRIVATE authd_warnings Boost::boost Threads::Threads)

# The exchange log of the end-to-end suite, read by tests/http/openapi_check.mjs.
set(AUTHD_EXCHANGE_DIR ${PROJECT_BINARY_DIR}/tests/openapi-exchanges)
add_library(authd_test_exchange_log STATIC ${CMAKE_CURRENT_LIST_DIR}/exchange_log.cpp)
target_compile_definitions(authd_test_exchange_log PRIVATE AUTHD_EXCHANGE_DIR="${AUTHD_EXCHANGE_DIR}")
target_link_libraries(authd_test_exchange_log PUBLIC authd_options PRIVATE authd_warnings rapidjson_headers)
