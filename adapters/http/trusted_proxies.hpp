#pragma once
// TRUSTED_PROXIES: the peers whose X-Forwarded-For names the client. Every per-IP rule (rate limits, sessions' IP,
// the audit trail, the access log) uses the address this finds, so that behind a gateway each client keeps its own
// budget while a client talking directly can forge nothing.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authd::http {

class trusted_proxies {
public:
    /// "10.0.0.0/8, 127.0.0.1, ::1, fd00::/8": addresses or CIDR blocks, IPv4 or IPv6, comma-separated; an address
    /// alone is a block of one. Throws std::invalid_argument naming the first entry that is neither.
    static trusted_proxies parse(std::string_view list);
    trusted_proxies() = default;

    bool empty() const noexcept { return blocks_.empty(); }
    /// Whether `ip` (as the socket or a header wrote it) is in a trusted block.
    bool contains(std::string_view ip) const;
    /// The client of a request from `peer`: the peer itself unless it is trusted; then, reading the X-Forwarded-For
    /// entries (all such headers, in order) from the right, the first address that is not trusted. An entry that is
    /// not an address ends the walk at the hop after it: only trusted proxies wrote what lies to its right. When
    /// every entry is trusted, the left-most one.
    std::string client_of(const std::string& peer, const std::vector<std::string_view>& forwarded_for) const;

private:
    struct block {
        std::array<std::uint8_t, 16> bytes{};  ///< IPv4 as IPv4-mapped IPv6
        int prefix = 0;                        ///< bits of `bytes` that must match (IPv4 blocks: 96 + their length)
    };
    std::vector<block> blocks_;
};

}  // namespace authd::http
