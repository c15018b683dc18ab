#pragma once
// TOTP (RFC 6238) on HOTP (RFC 4226): SHA-1, 6 digits, 30-second steps, as
// every authenticator app reads an otpauth:// URI by default.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/time.hpp"
#include "core/ports/hmac_sha1.hpp"

namespace authd {

struct totp_settings {
    int digits = 6;
    seconds period = seconds{30};
    int drift_steps = 1;  ///< steps accepted either side of now, for clocks that disagree a little
};

/// The HOTP value of `counter`: dynamic truncation, `digits` decimal digits with leading zeros.
std::string hotp(hmac_sha1& mac, std::string_view key, std::uint64_t counter, int digits);

/// The time step `t` falls in (Unix time / period).
std::int64_t totp_step(time_point t, seconds period);

/// The step whose code `code` is, among those within the drift of `now` and later than
/// `last_used_step`; nothing when none matches. Refusing steps up to the last one used is
/// what stops a code from being replayed within its window.
std::optional<std::int64_t> match_totp(hmac_sha1& mac, std::string_view key, std::string_view code, time_point now,
                                       std::int64_t last_used_step, const totp_settings& s = {});

/// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view base32_secret,
                        const totp_settings& s = {});

}  // namespace authd
