#include "adapters/delivery/curl_support.hpp"

#include <mutex>
#include <stdexcept>

namespace authd::delivery {

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    });
}

void append(curl_list& list, const std::string& item) {
    curl_slist* head = curl_slist_append(list.get(), item.c_str());
    if (head == nullptr) throw delivery_failed("out of memory", false);
    if (!list) list.reset(head);
}

}  // namespace authd::delivery
