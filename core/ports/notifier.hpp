#pragma once
#include "core/common/time.hpp"
#include "core/delivery/message.hpp"

namespace authd {

struct repositories;

/// Where use cases put the codes and links to deliver: into the delivery queue, in the caller's transaction, so
/// that a message exists exactly when the change that makes its secret commits (core/delivery/message_outbox.cpp).
/// Nothing is sent on the request's path: the deliverer sends afterwards.
class notifier {
public:
    virtual ~notifier() = default;
    virtual void queue(repositories& tx, const outgoing_message& m, time_point now) = 0;
};

}  // namespace authd
