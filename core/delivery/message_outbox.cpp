#include "core/delivery/message_outbox.hpp"

#include "core/common/random_values.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

message_outbox::message_outbox(secret_box& box, secret_digest& digest, random_source& rng)
    : box_(box), digest_(digest), rng_(rng) {}

void message_outbox::queue(repositories& tx, const outgoing_message& m, time_point now) {
    queued_message q;
    q.message_id = uuid_v4(rng_);
    q.message = m;
    q.message.secret.clear();
    q.sealed_secret = box_.seal(m.secret, q.message_id);
    q.recipient_key = digest_.keyed_hex(std::string(to_string(m.channel)) + ":" + m.recipient);
    q.next_attempt_at = now;
    q.created_at = now;
    q.expires_at = now + m.lifetime;
    tx.messages.add(q);
}

}  // namespace authd
