#pragma once
#include "core/ports/notifier.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_box.hpp"
#include "core/ports/secret_digest.hpp"

namespace authd {

/// The notifier of production and development alike: a message becomes a row of the delivery queue in the caller's
/// transaction, its secret sealed under the server's key and bound to the message's id.
class message_outbox final : public notifier {
public:
    message_outbox(secret_box& box, secret_digest& digest, random_source& rng);
    void queue(repositories& tx, const outgoing_message& m, time_point now) override;

private:
    secret_box& box_;
    secret_digest& digest_;
    random_source& rng_;
};

}  // namespace authd
