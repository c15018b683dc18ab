#include "adapters/delivery/curl_support.hpp"

#include <stdexcept>

#include "adapters/platform/loaded_library.hpp"

namespace authd::delivery {
namespace {

curl_library load_curl() {
    static const loaded_library library("libcurl.so.4");  // the soname of every libcurl since 7.16
    const curl_library api{
        .easy_init = library.get<decltype(curl_library::easy_init)>("curl_easy_init"),
        .easy_cleanup = library.get<decltype(curl_library::easy_cleanup)>("curl_easy_cleanup"),
        .easy_setopt = library.get<decltype(curl_library::easy_setopt)>("curl_easy_setopt"),
        .easy_perform = library.get<decltype(curl_library::easy_perform)>("curl_easy_perform"),
        .easy_getinfo = library.get<decltype(curl_library::easy_getinfo)>("curl_easy_getinfo"),
        .easy_strerror = library.get<decltype(curl_library::easy_strerror)>("curl_easy_strerror"),
        .slist_append = library.get<decltype(curl_library::slist_append)>("curl_slist_append"),
        .slist_free_all = library.get<decltype(curl_library::slist_free_all)>("curl_slist_free_all"),
    };
    const auto global_init = library.get<CURLcode (*)(long)>("curl_global_init");
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    return api;
}

}  // namespace

const curl_library& curl() {
    static const curl_library api = load_curl();  // a throw leaves it unset, to be tried again by the next caller
    return api;
}

void append(curl_list& list, const std::string& item) {
    curl_slist* head = curl().slist_append(list.get(), item.c_str());
    if (head == nullptr) throw delivery_failed("out of memory", false);
    if (!list) list.reset(head);
}

}  // namespace authd::delivery
