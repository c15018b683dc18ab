#pragma once
// A folder of the test's own under /tmp, removed with everything in it when the test ends.
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace authd::test {

struct temp_folder {
    std::filesystem::path path;
    explicit temp_folder(const std::string& prefix = "authd-test") {
        std::string name = "/tmp/" + prefix + "-XXXXXX";
        if (!mkdtemp(name.data())) throw std::runtime_error("cannot make a folder in /tmp");
        path = name;
    }
    ~temp_folder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    temp_folder(const temp_folder&) = delete;
    temp_folder& operator=(const temp_folder&) = delete;
};

}  // namespace authd::test
