#pragma once
// The values stored sealed under DB_ENCRYPTION_KEY, as `authd keys reseal` walks them to seal them again under the
// current key of DB_ENCRYPTION_KEYS.
#include <string>
#include <string_view>
#include <vector>

namespace authd {

/// Where a sealed value lives. Each is sealed with its row's key as the secret box's context.
enum class sealed_column {
    totp_secret,     ///< users.totp_secret, context the user's id
    message_secret,  ///< messages.sealed_secret (a code or link not sent yet), context the message id
    signing_key,     ///< signing_keys.sealed_private, context the kid
};

struct sealed_value {
    sealed_column column{};
    std::string key;  ///< the row's key, which is also the context it was sealed for
    std::string sealed;
};

class sealed_value_repository {
public:
    virtual ~sealed_value_repository() = default;
    /// Up to `limit` non-empty values of `column` whose row key sorts after `after`, in row key order.
    virtual std::vector<sealed_value> page(sealed_column column, std::string_view after, int limit) = 0;
    /// Writes `sealed` in place of `old` if the row still holds `old.sealed`; false when it changed meanwhile.
    virtual bool replace(const sealed_value& old, std::string_view sealed) = 0;
};

}  // namespace authd
