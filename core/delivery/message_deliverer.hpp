#pragma once
#include <string>
#include <vector>

#include "core/ports/clock.hpp"
#include "core/ports/message_sender.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_box.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd {

/// How hard the deliverer tries.
struct delivery_policy {
    int max_attempts = 8;                            ///< failures before a message is dead
    seconds first_retry = std::chrono::seconds{10};  ///< the pause after the first failure, doubled after each
    seconds max_retry = std::chrono::minutes{30};    ///< the longest pause
    seconds lease = std::chrono::minutes{2};  ///< how long a claimed message is another deliverer's: > a send's timeout
    /// Messages claimed at once, sent one after another: batch × the longest send (20 s for SMTP) stays under the
    /// lease, so that no other deliverer claims a message this one is still sending.
    int batch = 5;
};

/// A failed attempt, for the operator's log: never the secret, never the recipient.
struct delivery_failure {
    std::string message_id;
    message_kind kind = message_kind::otp_code;
    int attempts = 0;  ///< failed attempts so far, this one included
    bool dead = false;
    std::string reason;
};

struct delivery_round {
    int claimed = 0;
    int sent = 0;
    int retried = 0;
    int dead = 0;
    int expired = 0;  ///< pending messages whose code expired before they could be sent
    int lost = 0;     ///< outcomes not recorded: the send outlived its lease and the message is another deliverer's
    std::vector<delivery_failure> failures;
};

/// Sends what the queue holds for one channel: expires the messages whose code can no longer be used, claims due
/// messages (a short transaction), sends each outside any transaction, and records the outcome under the claim's
/// lease. A failure is tried again after an exponential pause with jitter, and after max_attempts the message is dead.
/// At least once: a crash between sending and recording sends again after the lease, under the same message id.
/// Several deliverers (threads or processes) may run deliver_once at the same time: claims never overlap.
class message_deliverer {
public:
    message_deliverer(unit_of_work& uow, message_sender& sender, secret_box& box, random_source& rng, const clock& clk,
                      delivery_policy policy);
    delivery_round deliver_once(channel c);
    /// The pause before attempt `failures` + 1, before jitter.
    static seconds backoff(const delivery_policy& p, int failures);
    const delivery_policy& policy() const { return policy_; }

private:
    void settle(const queued_message& q, delivery_round& round);

    unit_of_work& uow_;
    message_sender& sender_;
    secret_box& box_;
    random_source& rng_;
    const clock& clock_;
    delivery_policy policy_;
};

}  // namespace authd
