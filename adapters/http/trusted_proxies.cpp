#include "adapters/http/trusted_proxies.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace authd::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into IPv6), and whether it was IPv4.
std::optional<std::pair<std::array<std::uint8_t, 16>, bool>> parse_address(std::string_view text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string s(text);
    std::array<std::uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xff;
        std::memcpy(out.data() + 12, &v4, 4);
        return std::pair{out, true};
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(out.data(), &v6, 16);
        return std::pair{out, false};
    }
    return std::nullopt;
}

bool in_block(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& net, int prefix) {
    for (int bit = 0; bit < prefix; bit += 8) {
        const int bits = std::min(8, prefix - bit);
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - bits));
        const auto i = static_cast<std::size_t>(bit / 8);
        if ((a[i] & mask) != (net[i] & mask)) return false;
    }
    return true;
}

/// The X-Forwarded-For entries of every such header, left to right.
std::vector<std::string_view> entries_of(const std::vector<std::string_view>& headers) {
    std::vector<std::string_view> out;
    for (auto h : headers) {
        for (;;) {
            const auto comma = h.find(',');
            out.push_back(trim(h.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            h.remove_prefix(comma + 1);
        }
    }
    return out;
}
}  // namespace

trusted_proxies trusted_proxies::parse(std::string_view list) {
    trusted_proxies out;
    for (;;) {
        const auto comma = list.find(',');
        const auto entry = trim(list.substr(0, comma));
        if (!entry.empty()) {
            const auto slash = entry.find('/');
            const auto address = parse_address(entry.substr(0, slash));
            if (!address) throw std::invalid_argument("TRUSTED_PROXIES: " + std::string(entry) + " is not an address");
            const int max = address->second ? 32 : 128;
            int length = max;
            if (slash != std::string_view::npos) {
                const auto digits = entry.substr(slash + 1);
                const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
                if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || length < 0 ||
                    length > max)
                    throw std::invalid_argument("TRUSTED_PROXIES: " + std::string(entry) +
                                                " has no valid prefix length");
            }
            out.blocks_.push_back({address->first, address->second ? 96 + length : length});
        }
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

bool trusted_proxies::contains(std::string_view ip) const {
    const auto address = parse_address(ip);
    if (!address) return false;
    for (const auto& b : blocks_)
        if (in_block(address->first, b.bytes, b.prefix)) return true;
    return false;
}

std::string trusted_proxies::client_of(const std::string& peer,
                                       const std::vector<std::string_view>& forwarded_for) const {
    if (forwarded_for.empty() || !contains(peer)) return peer;
    std::string client = peer;
    const auto entries = entries_of(forwarded_for);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        const auto address = parse_address(*it);
        if (!address) break;  // a proxy we trust wrote none of this: the hop after it is the client
        client = std::string(*it);
        if (!contains(*it)) break;
    }
    // Stored and counted as the socket would give it: brackets off, and an IPv4 client a dual-stack proxy wrote as
    // ::ffff:a.b.c.d as a.b.c.d (else every such client would share the one /64 that a per-IP limit counts).
    if (client.size() > 2 && client.front() == '[') client = client.substr(1, client.size() - 2);
    if (const auto address = parse_address(client); address && !address->second) {
        constexpr std::array<std::uint8_t, 12> v4_mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(v4_mapped.begin(), v4_mapped.end(), address->first.begin())) {
            char text[INET_ADDRSTRLEN] = {};
            if (inet_ntop(AF_INET, address->first.data() + 12, text, sizeof text)) client = text;
        }
    }
    return client;
}

}  // namespace authd::http
