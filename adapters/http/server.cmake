# The HTTP server adapter on its own, for include() from a CMakeLists that defines authd_options and authd_warnings
# and has run cmake/dependencies.cmake.
add_library(authd_http_server STATIC ${CMAKE_CURRENT_LIST_DIR}/server.cpp ${CMAKE_CURRENT_LIST_DIR}/message.cpp
            ${CMAKE_CURRENT_LIST_DIR}/beast_request.cpp ${CMAKE_CURRENT_LIST_DIR}/response_bytes.cpp
            ${CMAKE_CURRENT_LIST_DIR}/request_reader.cpp)
target_link_libraries(authd_http_server PUBLIC authd_options PRIVATE authd_warnings Boost::boost OpenSSL::SSL Threads::Threads)
