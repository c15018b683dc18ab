#pragma once
// A shared library opened when first needed instead of linked in, so that a process maps a client library, and
// everything that library brings along, only when its configuration uses it. adapters/platform holds what any
// adapter may use of the operating system; header-only, so it is no library of its own.
#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace authd {

class loaded_library {
public:
    /// Opens `soname` from the system's library path; throws naming the library and why it did not load.
    explicit loaded_library(const std::string& soname) : name_(soname), handle_(dlopen(soname.c_str(), RTLD_NOW)) {
        if (handle_ == nullptr) throw std::runtime_error("cannot load " + name_ + ": " + last_error());
    }
    // Never closed: exceptions, vtables and handles that came from the library may outlive any owner here.
    loaded_library(const loaded_library&) = delete;
    loaded_library& operator=(const loaded_library&) = delete;

    /// The address of `symbol`, looked up in the library and in the libraries it depends on, as type `F`.
    template <typename F>
    F get(const char* symbol) const {
        void* address = dlsym(handle_, symbol);
        if (address == nullptr) throw std::runtime_error(name_ + " has no " + symbol + ": " + last_error());
        return reinterpret_cast<F>(address);
    }

private:
    static std::string last_error() {
        const char* text = dlerror();
        return text != nullptr ? text : "unknown error";
    }

    std::string name_;
    void* handle_;
};

}  // namespace authd
