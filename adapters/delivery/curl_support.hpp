#pragma once
// What the SMTP and webhook channels share of libcurl: the library itself, loaded and initialised once when the
// first channel is built, handles that clean up after themselves, and set-up errors as temporary delivery failures.
// Included by those two .cpp files only.
//
// libcurl is loaded rather than linked: it brings GnuTLS, LDAP, Kerberos, SSH and more, about 2 MiB of resident
// memory that an instance without SMTP or webhook delivery never uses.
#include <curl/curl.h>

#include <memory>
#include <string>

#include "core/ports/message_sender.hpp"

namespace authd::delivery {

/// The libcurl functions the channels call.
struct curl_library {
    CURL* (*easy_init)();
    void (*easy_cleanup)(CURL*);
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
};

/// libcurl, loaded and curl_global_init'ed on the first call in the process (thread-safe); throws when it cannot be.
/// Never cleaned up: curl_global_cleanup at exit would race threads still sending.
const curl_library& curl();

struct curl_cleanup {
    void operator()(CURL* handle) const noexcept { curl().easy_cleanup(handle); }
};
struct slist_cleanup {
    void operator()(curl_slist* list) const noexcept { curl().slist_free_all(list); }
};
using curl_handle = std::unique_ptr<CURL, curl_cleanup>;
using curl_list = std::unique_ptr<curl_slist, slist_cleanup>;

/// Appends a copy of `item` (libcurl copies it).
void append(curl_list& list, const std::string& item);

template <typename T>
void set(CURL* handle, CURLoption option, T value) {
    if (const CURLcode rc = curl().easy_setopt(handle, option, value); rc != CURLE_OK)
        throw delivery_failed(std::string("cannot set up the transfer: ") + curl().easy_strerror(rc), false);
}

}  // namespace authd::delivery
