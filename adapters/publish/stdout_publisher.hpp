#pragma once
#include "core/ports/outbox_repository.hpp"

namespace authd::publish {

/// Publishes each outbox row as one JSON line on standard output, for a log
/// shipper to carry on when no Redis is configured.
class stdout_publisher final : public outbox_publisher {
public:
    void publish(const outbox_message& m) override;
};

}  // namespace authd::publish
