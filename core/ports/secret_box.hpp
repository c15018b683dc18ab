#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace authd {

/// Authenticated encryption for secrets the service must read back (TOTP seeds),
/// under the server's key. `context` (e.g. the owner's id) is bound to the
/// ciphertext: a sealed value copied onto another row does not open.
class secret_box {
public:
    virtual ~secret_box() = default;
    /// Printable ciphertext, safe for a VARCHAR column.
    virtual std::string seal(std::string_view plaintext, std::string_view context) = 0;
    /// Nothing when the text was not sealed by this key for this context, or was altered.
    virtual std::optional<std::string> open(std::string_view sealed, std::string_view context) = 0;
    /// Whether `sealed` is sealed under the key seal() uses now: `authd keys reseal` leaves those alone.
    virtual bool sealed_with_current_key(std::string_view sealed) const = 0;
};

}  // namespace authd
