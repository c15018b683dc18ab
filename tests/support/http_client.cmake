# The blocking HTTP test client, for include() next to adapters/http/server.cmake.
add_library(authd_test_http_client STATIC ${CMAKE_CURRENT_LIST_DIR}/http_client.cpp)
target_link_libraries(authd_test_http_client PUBLIC authd_options PRIVATE authd_warnings Boost::boost Threads::Threads)
