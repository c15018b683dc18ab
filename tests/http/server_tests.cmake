# HTTP server tests; needs authd_http_server, authd_test_http_client, Catch2 and include(Catch) beforehand.
add_executable(server_tests ${CMAKE_CURRENT_LIST_DIR}/server_test_main.cpp ${CMAKE_CURRENT_LIST_DIR}/server_test.cpp
                            ${CMAKE_CURRENT_LIST_DIR}/response_bytes_test.cpp ${CMAKE_CURRENT_LIST_DIR}/request_reader_test.cpp)
target_link_libraries(server_tests PRIVATE authd_http_server authd_test_http_client authd_warnings Catch2::Catch2
                      Threads::Threads)
# A hung server must fail the test, not the CI job.
catch_discover_tests(server_tests TEST_PREFIX "http.server." PROPERTIES TIMEOUT 60)
