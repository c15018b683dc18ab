#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/common/recent_reads.hpp"
#include "core/common/time.hpp"
#include "core/ports/token_codec.hpp"

namespace authd {

/// What a token check needs to know of a session that the database said was live.
struct live_session {
    std::string principal_id;
    principal_type type{};
    time_point created_at{};
    time_point expires_at{};  ///< as read: a refresh may have moved it later, never earlier
};

/// Sessions known to be live, kept in memory so that checking a token reads no database in the common case
/// (recent_reads says what is trusted and for how long). Besides one session, a revocation may end every session of
/// a principal (logout everywhere, disable, role change, delete): then, for the quarantine, no session of that
/// principal is remembered either.
class session_view {
public:
    using settings = recent_reads<live_session>::settings;
    using ticks = recent_reads<live_session>::ticks;

    explicit session_view(
        settings s, recent_reads<live_session>::ticker ticker = [] { return std::chrono::steady_clock::now(); });

    /// The session, when it was seen live within the recheck interval and has not expired by `now`.
    std::optional<live_session> find(std::string_view session_id, time_point now) const;
    /// Records what the database just said: the session is `live`.
    void remember(std::string_view session_id, live_session live);
    /// The session was revoked here.
    void forget(std::string_view session_id);
    /// Every session of the principal was revoked here.
    void forget_principal(std::string_view principal_id);
    /// Records what the database just said: the session was revoked, or is gone. Such a session never lives again,
    /// so this is trusted for as long as it is held, however long ago it was read.
    void remember_ended(std::string_view session_id);
    /// Whether the database said so here (see remember_ended).
    bool known_ended(std::string_view session_id) const;

    std::size_t size() const { return sessions_.size(); }
    /// Session lookups so far: a hit is a session find() answered from memory, a miss one it did not (not held, read
    /// too long ago, or past its end).
    lookup_counts lookups() const { return sessions_.lookups(); }

private:
    recent_reads<live_session> sessions_;
    recent_reads<bool> principals_;  ///< holds nothing: only its quarantine of principals revoked here is used
    recent_reads<bool> ended_;       ///< sessions the database said had ended, trusted until dropped for room
};

}  // namespace authd
