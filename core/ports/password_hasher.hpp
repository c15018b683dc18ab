#pragma once
#include <string>
#include <string_view>

namespace authd {

struct password_check {
    bool matches = false;
    bool needs_rehash = false;  ///< stored with an older scheme or parameters: upgrade it now
};

/// Slow, salted password hashing (argon2id; verifies legacy bcrypt `$2b$` too).
/// Calls are CPU-heavy: the HTTP adapter runs them on a bounded pool of their own.
class password_hasher {
public:
    virtual ~password_hasher() = default;
    /// Returns a self-describing encoded hash (PHC string format).
    virtual std::string hash(std::string_view password) = 0;
    /// An unknown or malformed encoding never matches.
    virtual password_check verify(std::string_view password, std::string_view encoded) = 0;
};

}  // namespace authd
