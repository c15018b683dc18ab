// TRUSTED_PROXIES: only a trusted peer's X-Forwarded-For is read, from the right, and the first address that is not a
// trusted proxy is the client; nothing a client writes can make it someone else when it talks to authd directly.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "adapters/http/trusted_proxies.hpp"

using authd::http::trusted_proxies;

TEST_CASE("trusted blocks hold addresses and CIDR ranges of both families", "[proxies]") {
    const auto p = trusted_proxies::parse(" 10.0.0.0/8, 192.0.2.7 ,fd00::/8, ::1, 172.16.0.0/12");
    CHECK(p.contains("10.1.2.3"));
    CHECK(p.contains("192.0.2.7"));
    CHECK_FALSE(p.contains("192.0.2.8"));
    CHECK(p.contains("172.31.255.255"));
    CHECK_FALSE(p.contains("172.32.0.1"));
    CHECK(p.contains("fd12:3456::1"));
    CHECK(p.contains("::1"));
    CHECK(p.contains("[::1]"));
    CHECK_FALSE(p.contains("fe80::1"));
    CHECK_FALSE(p.contains("11.0.0.1"));
    CHECK_FALSE(p.contains("not an address"));
    CHECK_FALSE(p.contains(""));
    CHECK(trusted_proxies::parse("").empty());
    CHECK(trusted_proxies::parse("0.0.0.0/0").contains("203.0.113.9"));
    CHECK_FALSE(trusted_proxies::parse("0.0.0.0/0").contains("2001:db8::1"));  // an IPv4 block holds no IPv6 address
}

TEST_CASE("a malformed entry is refused, naming it", "[proxies]") {
    for (const auto* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "example.com", "10.0.0", "::1/129", "10.0.0.0/-1",
                            "1.2.3.4, nope"}) {
        CAPTURE(bad);
        CHECK_THROWS_WITH(trusted_proxies::parse(bad), Catch::Contains("TRUSTED_PROXIES: "));
    }
}

TEST_CASE("the client is the right-most address that is not a trusted proxy", "[proxies]") {
    const auto p = trusted_proxies::parse("10.0.0.0/8");
    // A direct client: its own header is ignored, whatever it says.
    CHECK(p.client_of("203.0.113.9", {"198.51.100.1"}) == "203.0.113.9");
    // Through the gateway: the gateway appended the address it saw.
    CHECK(p.client_of("10.0.0.2", {"198.51.100.1"}) == "198.51.100.1");
    // A client that wrote its own X-Forwarded-For before the gateway appended: the forged part is left of the truth.
    CHECK(p.client_of("10.0.0.2", {"1.1.1.1, 198.51.100.1"}) == "198.51.100.1");
    // Two trusted hops, and several headers read in order.
    CHECK(p.client_of("10.0.0.2", {"198.51.100.1, 10.0.0.9"}) == "198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"7.7.7.7", "198.51.100.1", "10.0.0.9"}) == "198.51.100.1");
    // Garbage written by the client stops the walk at the hop a trusted proxy wrote after it.
    CHECK(p.client_of("10.0.0.2", {"<script>, 198.51.100.1"}) == "198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"198.51.100.1 garbage"}) == "10.0.0.2");
    // Every hop trusted: the left-most; no header: the peer.
    CHECK(p.client_of("10.0.0.2", {"10.9.9.9, 10.0.0.9"}) == "10.9.9.9");
    CHECK(p.client_of("10.0.0.2", {}) == "10.0.0.2");
    CHECK(p.client_of("10.0.0.2", {""}) == "10.0.0.2");
    CHECK(p.client_of("10.0.0.2", {"[2001:db8::7]"}) == "2001:db8::7");
    CHECK(trusted_proxies{}.client_of("10.0.0.2", {"198.51.100.1"}) == "10.0.0.2");
}

TEST_CASE("an IPv4 client written as an IPv4-mapped IPv6 address is the IPv4 address", "[proxies]") {
    // A dual-stack proxy may write it so: as ::ffff:… every IPv4 client would share one /64 of a per-IP limit.
    const auto p = trusted_proxies::parse("10.0.0.0/8");
    CHECK(p.client_of("10.0.0.2", {"::ffff:198.51.100.1"}) == "198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"[::ffff:198.51.100.1]"}) == "198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"::FFFF:c633:6401"}) == "198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"7.7.7.7, ::ffff:10.0.0.9"}) == "7.7.7.7");  // a trusted hop, mapped
    // Only the mapped block: an IPv4-compatible or a NAT64 address stays IPv6.
    CHECK(p.client_of("10.0.0.2", {"::198.51.100.1"}) == "::198.51.100.1");
    CHECK(p.client_of("10.0.0.2", {"64:ff9b::c633:6401"}) == "64:ff9b::c633:6401");
}
