#pragma once
// Fakes of the core's ports for unit tests: a clock that only moves when told,
// predictable randomness, fast "hashing", and an in-memory unit of work whose
// transactions roll back when the work throws.
#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "core/ports/clock.hpp"
#include "core/ports/hmac_sha1.hpp"
#include "core/ports/notifier.hpp"
#include "core/ports/password_hasher.hpp"
#include "core/ports/password_screen.hpp"
#include "core/ports/random.hpp"
#include "core/ports/secret_box.hpp"
#include "core/ports/secret_digest.hpp"
#include "core/ports/token_codec.hpp"
#include "core/ports/unit_of_work.hpp"

namespace authd::test {

class fake_clock final : public clock {
public:
    explicit fake_clock(time_point start = time_point{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}})
        : now_(start) {}
    time_point now() const override {
        std::lock_guard lock(mutex_);
        return now_;
    }
    void advance(seconds by) {
        std::lock_guard lock(mutex_);
        now_ += by;
    }

private:
    mutable std::mutex mutex_;
    time_point now_;
};

/// A counter-based generator: distinct, repeatable bytes (not secure, tests only).
class counting_random final : public random_source {
public:
    void fill(std::span<std::uint8_t> out) override;

private:
    std::mutex mutex_;
    std::uint64_t state_ = 0x9E3779B97F4A7C15ull;
};

/// "hash:<password>" — verifies instantly; "legacy:<password>" matches and asks for a rehash.
class fake_hasher final : public password_hasher {
public:
    std::string hash(std::string_view password) override { return "hash:" + std::string(password); }
    password_check verify(std::string_view password, std::string_view encoded) override;
};

/// Refuses a few of the passwords people use most, as zxcvbn would (the adapter's own tests cover zxcvbn itself).
class fake_screen final : public password_screen {
public:
    std::optional<std::string> too_guessable(std::string_view password, const std::vector<std::string>&) override {
        for (const auto* common : {"password", "password1", "12345678", "qwertyuiop", "iloveyou"})
            if (password == common) return "is too easy to guess";
        return std::nullopt;
    }
};

class fake_digest final : public secret_digest {
public:
    std::string sha256_hex(std::string_view secret) override { return "digest:" + std::string(secret); }
    std::string keyed_hex(std::string_view secret) override { return "keyed:" + std::string(secret); }
    /// What an older version wrote comes second: "legacy:" + secret.
    std::vector<std::string> keyed_hex_candidates(std::string_view secret) override {
        return {keyed_hex(secret), "legacy:" + std::string(secret)};
    }
};

/// A keyed mixing function standing in for HMAC-SHA-1: 20 bytes that depend on every input byte.
/// Core tests compute expected codes through hotp() with it; the real MAC is tested against RFC 6238.
class fake_hmac_sha1 final : public hmac_sha1 {
public:
    std::string sign(std::string_view key, std::string_view message) override;
};

/// "sealed:<context>:<plaintext>": opens only for the same context, like the real box.
class fake_box final : public secret_box {
public:
    std::string seal(std::string_view plaintext, std::string_view context) override {
        return "sealed:" + std::string(context) + ":" + std::string(plaintext);
    }
    std::optional<std::string> open(std::string_view sealed, std::string_view context) override {
        const std::string prefix = "sealed:" + std::string(context) + ":";
        if (sealed.substr(0, prefix.size()) != prefix) return std::nullopt;
        return std::string(sealed.substr(prefix.size()));
    }
    bool sealed_with_current_key(std::string_view sealed) const override { return sealed.substr(0, 7) == "sealed:"; }
};

/// Encodes the claims readably; verify checks exp like the real codec does.
class fake_codec final : public token_codec {
public:
    std::string sign(const access_claims& claims) override;
    std::optional<access_claims> verify(std::string_view token, time_point now) override;
    /// How many times verify() ran: a signature check is the costly part of a real codec.
    int verifications() {
        std::lock_guard lock(mutex_);
        return verifications_;
    }

private:
    std::mutex mutex_;
    std::map<std::string, access_claims, std::less<>> issued_;
    int verifications_ = 0;
};

/// The whole database as values: a transaction copies it and restores the copy on throw.
struct memory_data {
    std::map<std::string, user> users;
    std::map<std::string, std::string> user_preferences;  ///< user id -> serialized JSON object
    std::map<std::string, session> sessions;
    std::map<std::string, refresh_token> refresh_tokens;
    std::map<std::string, agent> agents;
    std::vector<otp_code> otp_codes;
    std::map<std::string, lockout_state> otp_lockouts;
    std::map<std::int64_t, event> events;
    std::int64_t next_event_id = 1;
    std::vector<outbox_message> outbox;
    std::map<std::int64_t, product> products;
    std::vector<std::pair<std::int64_t, price_record>> price_history;  ///< (product id, price), oldest first
    std::map<std::int64_t, supplier> suppliers;
    std::map<std::int64_t, supplier_contact> supplier_contacts;
    std::map<std::string, mfa_challenge> mfa_challenges;                ///< by token digest
    std::map<std::string, std::map<std::string, bool>> recovery_codes;  ///< user id -> digest -> used
    std::vector<emailed_token> email_verifications;
    std::vector<emailed_token> password_resets;
    std::vector<emailed_token> email_changes;
    std::vector<queued_message> messages;  ///< the delivery queue, in id order
    std::int64_t next_message_id = 1;
    std::int64_t next_outbox_id = 1;
    std::map<std::string, time_point> task_leases;  ///< task name -> lease end
    std::vector<audit_event> audit_events;          ///< in id order
    std::vector<stored_signing_key> signing_keys;   ///< oldest first
    std::int64_t next_audit_id = 1;
    std::int64_t next_catalog_id = 1;  ///< one sequence for the catalog's tables: an id need only be unique in its own
};

/// Keeps what was queued, secret included (a transaction rolled back later does not take it back).
class recording_notifier final : public notifier {
public:
    void queue(repositories&, const outgoing_message& m, time_point) override {
        std::lock_guard lock(mutex_);
        sent_.push_back(m);
    }
    std::vector<outgoing_message> sent() {
        std::lock_guard lock(mutex_);
        return sent_;
    }

private:
    std::mutex mutex_;
    std::vector<outgoing_message> sent_;
};

class memory_store final : public unit_of_work {
public:
    void write(const std::function<void(repositories&)>& work) override {
        ++writes_;
        run(work);
    }
    void read(const std::function<void(repositories&)>& work) override { run(work); }
    memory_data snapshot() {
        std::lock_guard lock(mutex_);
        return data_;
    }
    /// Write transactions begun so far (reads are not counted).
    int writes() const { return writes_.load(); }

private:
    /// Either kind of transaction: the work on the data, restored if it throws.
    void run(const std::function<void(repositories&)>& work);

    std::recursive_mutex mutex_;
    memory_data data_;
    std::atomic<int> writes_{0};
};

/// Every port but storage, faked: what a use case needs beside its unit of work.
struct fake_ports {
    fake_clock clock;
    counting_random rng;
    fake_digest digest;
    fake_codec codec;
    fake_hasher hasher;
    fake_screen screen;
    fake_box box;
    fake_hmac_sha1 hmac;
    recording_notifier notifier;
};

}  // namespace authd::test
