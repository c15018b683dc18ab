#pragma once
#include <string>
#include <string_view>

namespace authd {

/// One-way digest for high-entropy secrets kept at rest (refresh tokens,
/// verification tokens): the database holds only this digest.
class secret_digest {
public:
    virtual ~secret_digest() = default;
    /// Lower-case hex SHA-256.
    virtual std::string sha256_hex(std::string_view secret) = 0;
};

}  // namespace authd
