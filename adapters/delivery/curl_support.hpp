#pragma once
// What the SMTP and webhook channels share of libcurl: one global initialisation, handles that clean up after
// themselves, and set-up errors as temporary delivery failures. Included by those two .cpp files only.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "core/ports/message_sender.hpp"

namespace authd::delivery {

/// curl_global_init, once per process. Reference-counted and thread-safe in Debian's libcurl, and never undone:
/// curl_global_cleanup at exit would race threads still sending.
void init_curl_once();

struct curl_cleanup {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct slist_cleanup {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};
using curl_handle = std::unique_ptr<CURL, curl_cleanup>;
using curl_list = std::unique_ptr<curl_slist, slist_cleanup>;

/// Appends a copy of `item` (libcurl copies it).
void append(curl_list& list, const std::string& item);

template <typename T>
void set(CURL* handle, CURLoption option, T value) {
    if (const CURLcode rc = curl_easy_setopt(handle, option, value); rc != CURLE_OK)
        throw delivery_failed(std::string("cannot set up the transfer: ") + curl_easy_strerror(rc), false);
}

}  // namespace authd::delivery
