#include "core/sessions/session_view.hpp"

namespace authd {

namespace {
/// Ended is final: a year is "for as long as it is held" in recent_reads' terms.
recent_reads_settings held_until_dropped(recent_reads_settings s) {
    s.recheck = std::chrono::hours{24 * 365};
    return s;
}
}  // namespace

session_view::session_view(settings s, recent_reads<live_session>::ticker ticker)
    : sessions_(s, ticker), principals_(s, ticker), ended_(held_until_dropped(s), std::move(ticker)) {}

std::optional<live_session> session_view::find(std::string_view session_id, time_point now) const {
    return sessions_.find(session_id, [&](const live_session& s) { return s.expires_at > now; });
}

void session_view::remember(std::string_view session_id, live_session live) {
    if (principals_.changed_recently(live.principal_id)) return;
    sessions_.remember(session_id, std::move(live));
}

void session_view::forget(std::string_view session_id) { sessions_.forget(session_id); }

void session_view::remember_ended(std::string_view session_id) { ended_.remember(session_id, true); }

bool session_view::known_ended(std::string_view session_id) const { return ended_.find(session_id).has_value(); }

void session_view::forget_principal(std::string_view principal_id) {
    principals_.forget(principal_id);
    sessions_.forget_if([&](const live_session& s) { return s.principal_id == principal_id; });
}

}  // namespace authd
