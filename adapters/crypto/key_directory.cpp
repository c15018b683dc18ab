#include "adapters/crypto/key_directory.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace authd::crypto {
namespace {
namespace fs = std::filesystem;

constexpr std::uintmax_t max_key_file_bytes = 64 * 1024;  // an RSA 4096 PEM is about 3 KiB

bool usable_kid(const std::string& kid) {
    return !kid.empty() && kid.size() <= 64 && std::all_of(kid.begin(), kid.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '_' || c == '-';
    });
}

bool ends_with(const std::string& s, std::string_view tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string read_file(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > max_key_file_bytes)
        throw std::runtime_error("JWT_SIGNING_KEYS_DIR: " + path.string() + " cannot be read or is over 64 KiB");
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) throw std::runtime_error("JWT_SIGNING_KEYS_DIR: cannot read " + path.string());
    return text;
}
}  // namespace

std::vector<ring_key> read_key_directory(const std::string& dir) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (ends_with(name, ".pem") && it->is_regular_file(ec)) files.push_back(it->path());
    }
    if (ec) throw std::runtime_error("JWT_SIGNING_KEYS_DIR: cannot read the directory " + dir + ": " + ec.message());
    std::sort(files.begin(), files.end());

    std::vector<ring_key> keys;
    bool can_sign = false;
    for (const auto& path : files) {
        auto name = path.filename().string();
        const bool public_only = ends_with(name, ".pub.pem");
        const auto kid = name.substr(0, name.size() - (public_only ? 8 : 4));
        if (!usable_kid(kid))
            throw std::runtime_error("JWT_SIGNING_KEYS_DIR: " + name +
                                     ": a key's file name is its kid: 1 to 64 letters, digits, '.', '_' or '-'");
        for (const auto& k : keys)
            if (k.kid == kid) throw std::runtime_error("JWT_SIGNING_KEYS_DIR: two files name the kid " + kid);
        auto pem = read_file(path);
        if (public_only) {
            keys.push_back({kid, std::move(pem), {}});
        } else {
            keys.push_back({kid, {}, std::move(pem)});  // the ring takes the public half from the private key
            can_sign = true;
        }
    }
    if (!can_sign)
        throw std::runtime_error("JWT_SIGNING_KEYS_DIR: " + dir +
                                 " holds no private key (<kid>.pem, PKCS #8, for JWT_ALGORITHM)");
    return keys;
}

}  // namespace authd::crypto
