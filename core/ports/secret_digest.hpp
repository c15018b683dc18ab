#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace authd {

/// One-way digest for high-entropy secrets kept at rest (refresh tokens,
/// verification tokens): the database holds only this digest.
class secret_digest {
public:
    virtual ~secret_digest() = default;
    /// Lower-case hex SHA-256, for secrets with 256 bits of entropy.
    virtual std::string sha256_hex(std::string_view secret) = 0;
    /// Lower-case hex HMAC-SHA-256 under the server's key, for low-entropy secrets
    /// (6-digit codes) that a plain hash would give away to a table scan.
    virtual std::string keyed_hex(std::string_view secret) = 0;
    /// Every keyed digest a stored value of `secret` may carry: keyed_hex() first, then the ones older versions
    /// wrote (a recovery code stored before a key change must still work). Compare a presented secret with each.
    virtual std::vector<std::string> keyed_hex_candidates(std::string_view secret) = 0;
};

}  // namespace authd
