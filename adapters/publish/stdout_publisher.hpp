#pragma once
#include <string>

#include "core/ports/outbox_repository.hpp"

namespace authd::publish {

/// The JSON line stdout_publisher writes for one outbox row. Without `personal_data`, a client's e-mail, names and
/// phone number are left out of its payload: standard output usually ends up in a log, and logs hold no personal
/// data by default.
std::string outbox_line(const outbox_message& m, bool personal_data);

/// Publishes each outbox row as one JSON line on standard output, for a log
/// shipper to carry on when no Redis is configured.
class stdout_publisher final : public outbox_publisher {
public:
    explicit stdout_publisher(bool personal_data = false) : personal_data_(personal_data) {}
    void publish(const outbox_message& m) override;

private:
    bool personal_data_;
};

}  // namespace authd::publish
