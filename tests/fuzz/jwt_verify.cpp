// Fuzzes the HS256 access-token codec (adapters/crypto/jwt_codec.hpp). Proves:
//  1. verify() takes any bytes without crashing, throwing or reading out of bounds, and whatever it accepts
//     carries claims that sign() can write again;
//  2. sign() then verify() gives back the same claims, whatever bytes the strings hold (for any iat up to now);
//  3. no change to a signed token verifies: each of a few fuzzer-chosen edits (a byte replaced, the token cut
//     short, a byte inserted) makes verify() refuse, as base64url is strict: every change alters the HMAC input
//     or the signature.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/crypto/jwt_codec.hpp"
#include "tests/fuzz/check.hpp"

namespace {

const authd::time_point now{authd::seconds{1'800'000'000}};

authd::crypto::jwt_hs256& codec() {
    static authd::crypto::jwt_hs256 c("fuzz-secret-0123456789abcdef-0123456789abcdef", "https://authd.fuzz.test");
    return c;
}

bool same(const authd::access_claims& a, const authd::access_claims& b) {
    return a.subject == b.subject && a.type == b.type && a.session_id == b.session_id && a.roles == b.roles &&
           a.issued_at == b.issued_at && a.expires_at == b.expires_at && a.token_id == b.token_id;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // 1. The whole input as a token.
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    if (const auto claims = codec().verify(raw, now)) {
        const auto again = codec().verify(codec().sign(*claims), now);
        FUZZ_CHECK(again && same(*again, *claims));
    }

    // 2. Claims made of the input, signed and verified.
    FuzzedDataProvider in(data, size);
    authd::access_claims c;
    c.subject = in.ConsumeRandomLengthString(64);
    c.type = in.ConsumeBool() ? authd::principal_type::user : authd::principal_type::agent;
    c.session_id = in.ConsumeRandomLengthString(64);
    for (int n = in.ConsumeIntegralInRange(0, 4); n > 0; --n) c.roles.push_back(in.ConsumeRandomLengthString(16));
    // iat at or before now: verify() refuses a token issued in the future (past the leeway), which no instance signs.
    c.issued_at = now - authd::seconds{in.ConsumeIntegralInRange<std::int64_t>(0, std::int64_t{1} << 40)};
    // exp after now, so that an untouched token is valid.
    c.expires_at = now + authd::seconds{in.ConsumeIntegralInRange<std::int64_t>(1, std::int64_t{1} << 40)};
    c.token_id = in.ConsumeRandomLengthString(40);
    const std::string token = codec().sign(c);
    const auto back = codec().verify(token, now);
    FUZZ_CHECK(back && same(*back, c));

    // 3. Edits of the signed token.
    for (int n = in.ConsumeIntegralInRange(1, 4); n > 0 && in.remaining_bytes() > 0; --n) {
        std::string edited = token;
        const auto at = in.ConsumeIntegralInRange<std::size_t>(0, edited.size() - 1);
        switch (in.ConsumeIntegralInRange(0, 2)) {
            case 0: edited[at] = static_cast<char>(in.ConsumeIntegral<std::uint8_t>()); break;
            case 1: edited.resize(at); break;
            default: edited.insert(at, 1, static_cast<char>(in.ConsumeIntegral<std::uint8_t>())); break;
        }
        if (edited != token) FUZZ_CHECK(!codec().verify(edited, now));
    }
    return 0;
}
