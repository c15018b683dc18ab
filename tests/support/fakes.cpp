#include "tests/support/fakes.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

namespace authd::test {

void counting_random::fill(std::span<std::uint8_t> out) {
    std::lock_guard lock(mutex_);
    for (auto& b : out) {
        // splitmix64: well spread bytes from a counter.
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        b = static_cast<std::uint8_t>(z ^ (z >> 31));
    }
}

password_check fake_hasher::verify(std::string_view password, std::string_view encoded) {
    if (encoded == "hash:" + std::string(password)) return {true, false};
    if (encoded == "legacy:" + std::string(password)) return {true, true};
    return {false, false};
}

std::string fake_hmac_sha1::sign(std::string_view key, std::string_view message) {
    std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a over key, a separator and message, then spread out
    for (const char c : std::string(key) + '\0' + std::string(message))
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    std::string out(20, '\0');
    for (auto& b : out) {
        h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
        b = static_cast<char>(h >> 56);
    }
    return out;
}

std::string fake_codec::sign(const access_claims& claims) {
    std::lock_guard lock(mutex_);
    std::string token = "token-" + claims.token_id;
    issued_[token] = claims;
    return token;
}

std::optional<access_claims> fake_codec::verify(std::string_view token, time_point now) {
    std::lock_guard lock(mutex_);
    ++verifications_;
    const auto it = issued_.find(token);
    if (it == issued_.end() || it->second.expires_at <= now) return std::nullopt;
    return it->second;
}

namespace {
class memory_users final : public user_repository {
public:
    explicit memory_users(memory_data& d) : d_(d) {}
    bool insert(const user& u) override {
        for (const auto& [id, other] : d_.users)
            if (other.email == u.email || (u.username && other.username == u.username)) return false;
        d_.users[u.id] = u;
        std::sort(d_.users[u.id].roles.begin(), d_.users[u.id].roles.end());  // as ORDER BY role
        return true;
    }
    std::optional<user> find_by_id(std::string_view id) override {
        const auto it = d_.users.find(std::string(id));
        return it == d_.users.end() ? std::nullopt : std::optional<user>(it->second);
    }
    std::optional<user> find_by_email(std::string_view email) override {
        for (const auto& [id, u] : d_.users)
            if (u.email == email) return u;
        return std::nullopt;
    }
    std::optional<user> find_by_username(std::string_view name) override {
        for (const auto& [id, u] : d_.users)
            if (u.username == name) return u;
        return std::nullopt;
    }
    std::optional<user> lock_by_id(std::string_view id) override { return find_by_id(id); }
    bool update(const user& u) override {
        for (const auto& [id, other] : d_.users)
            if (id != u.id && (other.email == u.email || (u.username && other.username == u.username))) return false;
        auto roles = d_.users.at(u.id).roles;
        d_.users[u.id] = u;
        d_.users[u.id].roles = roles;
        return true;
    }
    void set_roles(std::string_view id, const std::vector<std::string>& roles) override {
        auto& stored = d_.users.at(std::string(id)).roles;
        stored = roles;
        std::sort(stored.begin(), stored.end());
    }
    bool remove(std::string_view id) override {
        // As ON DELETE CASCADE:
        d_.user_preferences.erase(std::string(id));
        d_.recovery_codes.erase(std::string(id));
        std::erase_if(d_.mfa_challenges, [&](const auto& e) { return e.second.user_id == id; });
        std::erase_if(d_.email_verifications, [&](const auto& v) { return v.user_id == id; });
        std::erase_if(d_.password_resets, [&](const auto& v) { return v.user_id == id; });
        return d_.users.erase(std::string(id)) > 0;
    }
    std::vector<user> list(const page_query& q) override {
        const auto kept = matching(q);
        const auto from =
            std::min<std::size_t>(kept.size(), static_cast<std::size_t>(q.page) * static_cast<std::size_t>(q.size));
        const auto to = std::min<std::size_t>(kept.size(), from + static_cast<std::size_t>(q.size));
        return {kept.begin() + static_cast<std::ptrdiff_t>(from), kept.begin() + static_cast<std::ptrdiff_t>(to)};
    }
    std::int64_t count(const page_query& q) override { return static_cast<std::int64_t>(matching(q).size()); }
    std::int64_t lock_active_with_role(std::string_view role) override {
        return std::count_if(d_.users.begin(), d_.users.end(), [&](const auto& kv) {
            const auto& roles = kv.second.roles;
            return kv.second.is_active && std::find(roles.begin(), roles.end(), role) != roles.end();
        });
    }
    std::optional<std::string> find_preferences(std::string_view id) override {
        const auto it = d_.user_preferences.find(std::string(id));
        return it == d_.user_preferences.end() ? std::nullopt : std::optional<std::string>(it->second);
    }
    void save_preferences(std::string_view id, std::string_view json, time_point) override {
        d_.users.at(std::string(id));  // as the foreign key: only an existing user has preferences
        d_.user_preferences[std::string(id)] = std::string(json);
    }

private:
    /// The users the filter keeps, sorted by e-mail as ORDER BY email.
    std::vector<user> matching(const page_query& q) const {
        std::vector<user> out;
        for (const auto& [id, u] : d_.users)
            if (!q.email_contains || u.email.find(*q.email_contains) != std::string::npos) out.push_back(u);
        std::sort(out.begin(), out.end(), [](const user& a, const user& b) { return a.email < b.email; });
        return out;
    }
    memory_data& d_;
};

class memory_sessions final : public session_repository {
public:
    explicit memory_sessions(memory_data& d) : d_(d) {}
    void insert(const session& s) override { d_.sessions[s.id] = s; }
    std::optional<session> find(std::string_view id) override {
        const auto it = d_.sessions.find(std::string(id));
        return it == d_.sessions.end() ? std::nullopt : std::optional<session>(it->second);
    }
    std::vector<session> list_active(std::string_view principal_id, time_point now) override {
        std::vector<session> out;
        for (const auto& [id, s] : d_.sessions)
            if (s.principal_id == principal_id && s.live(now)) out.push_back(s);
        return out;
    }
    void touch(std::string_view id, time_point last_used_at, time_point expires_at) override {
        auto& s = d_.sessions.at(std::string(id));
        s.last_used_at = last_used_at;
        s.expires_at = expires_at;
    }
    bool revoke(std::string_view id, time_point now) override {
        const auto it = d_.sessions.find(std::string(id));
        if (it == d_.sessions.end() || it->second.revoked_at) return false;
        it->second.revoked_at = now;
        return true;
    }
    int revoke_all(std::string_view principal_id, time_point now) override {
        int n = 0;
        for (auto& [id, s] : d_.sessions)
            if (s.principal_id == principal_id && !s.revoked_at) {
                s.revoked_at = now;
                ++n;
            }
        return n;
    }
    void insert_refresh_token(const refresh_token& t) override { d_.refresh_tokens[t.digest] = t; }
    std::optional<refresh_token> find_refresh_token(std::string_view digest) override {
        const auto it = d_.refresh_tokens.find(std::string(digest));
        return it == d_.refresh_tokens.end() ? std::nullopt : std::optional<refresh_token>(it->second);
    }
    bool mark_rotated(std::string_view digest, time_point now) override {
        auto& t = d_.refresh_tokens.at(std::string(digest));
        if (t.rotated_at) return false;
        t.rotated_at = now;
        return true;
    }

private:
    memory_data& d_;
};
class memory_agents final : public agent_repository {
public:
    explicit memory_agents(memory_data& d) : d_(d) {}
    bool insert(const agent& a) override {
        for (const auto& [id, o] : d_.agents)
            if (o.phone_number == a.phone_number || o.email == a.email || o.license_number == a.license_number)
                return false;
        d_.agents[a.id] = a;
        return true;
    }
    std::optional<agent> lock_by_id(std::string_view id) override { return find_by_id(id); }
    std::optional<agent> find_by_id(std::string_view id) override {
        const auto it = d_.agents.find(std::string(id));
        return it == d_.agents.end() ? std::nullopt : std::optional<agent>(it->second);
    }
    std::optional<agent> find_by_phone(std::string_view phone) override {
        return find_if([&](const agent& a) { return a.phone_number == phone; });
    }
    std::optional<agent> find_by_email(std::string_view email) override {
        return find_if([&](const agent& a) { return a.email == email; });
    }
    std::optional<agent> find_by_license(std::string_view license) override {
        return find_if([&](const agent& a) { return a.license_number == license; });
    }
    bool update(const agent& a) override {
        for (const auto& [id, other] : d_.agents)
            if (id != a.id && other.email == a.email) return false;
        d_.agents.at(a.id) = a;
        return true;
    }
    std::vector<agent> list(const page_query& q) override {
        std::vector<agent> kept;
        for (const auto& [id, a] : d_.agents)
            if (!q.email_contains || a.email.find(*q.email_contains) != std::string::npos) kept.push_back(a);
        std::sort(kept.begin(), kept.end(), [](const agent& x, const agent& y) { return x.email < y.email; });
        const auto from =
            std::min<std::size_t>(kept.size(), static_cast<std::size_t>(q.page) * static_cast<std::size_t>(q.size));
        const auto to = std::min<std::size_t>(kept.size(), from + static_cast<std::size_t>(q.size));
        return {kept.begin() + static_cast<std::ptrdiff_t>(from), kept.begin() + static_cast<std::ptrdiff_t>(to)};
    }
    std::int64_t count(const page_query& q) override {
        std::int64_t n = 0;
        for (const auto& [id, a] : d_.agents)
            if (!q.email_contains || a.email.find(*q.email_contains) != std::string::npos) ++n;
        return n;
    }

private:
    template <class P>
    std::optional<agent> find_if(P pred) {
        for (const auto& [id, a] : d_.agents)
            if (pred(a)) return a;
        return std::nullopt;
    }
    memory_data& d_;
};

class memory_otps final : public otp_repository {
public:
    explicit memory_otps(memory_data& d) : d_(d) {}
    void insert(const otp_code& c) override { d_.otp_codes.push_back(c); }
    std::optional<otp_code> latest(std::string_view phone) override {
        for (auto it = d_.otp_codes.rbegin(); it != d_.otp_codes.rend(); ++it)
            if (it->phone_number == phone) return *it;
        return std::nullopt;
    }
    void void_open(std::string_view phone, time_point now) override {
        for (auto& c : d_.otp_codes)
            if (c.phone_number == phone && !c.consumed_at) c.consumed_at = now;
    }
    bool consume(std::string_view id, time_point now) override {
        for (auto& c : d_.otp_codes)
            if (c.id == id && !c.consumed_at) {
                c.consumed_at = now;
                return true;
            }
        return false;
    }
    lockout_state lock_lockout(std::string_view phone) override { return d_.otp_lockouts[std::string(phone)]; }
    lockout_state read_lockout(std::string_view phone) override {
        const auto it = d_.otp_lockouts.find(std::string(phone));
        return it == d_.otp_lockouts.end() ? lockout_state{} : it->second;
    }
    void save_lockout(std::string_view phone, const lockout_state& s, time_point) override {
        d_.otp_lockouts[std::string(phone)] = s;
    }

private:
    memory_data& d_;
};
class memory_events final : public event_repository {
public:
    explicit memory_events(memory_data& d) : d_(d) {}
    std::int64_t insert(const event& e) override {
        const auto id = d_.next_event_id++;
        d_.events[id] = e;
        d_.events[id].id = id;
        return id;
    }
    std::optional<event> find(std::int64_t id) override {
        const auto it = d_.events.find(id);
        return it == d_.events.end() ? std::nullopt : std::optional<event>(it->second);
    }
    std::optional<event> lock(std::int64_t id) override { return find(id); }
    void update(const event& e) override { d_.events.at(e.id) = e; }
    bool remove(std::int64_t id) override { return d_.events.erase(id) > 0; }
    std::vector<event> list(const event_query& q) override {
        auto all = matching(q);
        std::sort(all.begin(), all.end(), [](const event& a, const event& b) {
            return std::tie(a.event_date, a.id) < std::tie(b.event_date, b.id);
        });
        const auto start =
            std::min<std::size_t>(all.size(), static_cast<std::size_t>(q.page) * static_cast<std::size_t>(q.size));
        const auto end = std::min<std::size_t>(all.size(), start + static_cast<std::size_t>(q.size));
        return {all.begin() + static_cast<std::ptrdiff_t>(start), all.begin() + static_cast<std::ptrdiff_t>(end)};
    }
    std::int64_t count(const event_query& q) override { return static_cast<std::int64_t>(matching(q).size()); }

private:
    std::vector<event> matching(const event_query& q) {
        std::vector<event> out;
        for (const auto& [id, e] : d_.events)
            if ((!q.status || e.status == *q.status) && (!q.from || e.event_date >= *q.from) &&
                (!q.to || e.event_date <= *q.to))
                out.push_back(e);
        return out;
    }
    memory_data& d_;
};

class memory_outbox final : public outbox_repository {
public:
    explicit memory_outbox(memory_data& d) : d_(d) {}
    void add_event_change(std::string_view type, const event& e, time_point now) override {
        outbox_message m;
        m.id = d_.next_outbox_id++;
        m.aggregate_type = "EVENT";
        m.aggregate_id = std::to_string(e.id);
        m.event_type = std::string(type);
        m.payload = std::string(to_string(e.status));  // the fake keeps only the status; SQL backends keep the JSON
        m.created_at = now;
        d_.outbox.push_back(m);
    }
    std::vector<outbox_message> next_unprocessed(int limit) override {
        std::vector<outbox_message> out;
        for (const auto& m : d_.outbox)
            if (!m.processed_at && static_cast<int>(out.size()) < limit) out.push_back(m);
        return out;
    }
    void add_client_change(std::string_view type, const user& client, time_point now) override {
        outbox_message m;
        m.id = d_.next_outbox_id++;
        m.aggregate_type = "CLIENT";
        m.aggregate_id = client.id;
        m.event_type = std::string(type);
        m.payload = client.email;  // the fake keeps only the e-mail; SQL backends keep the JSON
        m.created_at = now;
        d_.outbox.push_back(m);
    }
    std::vector<outbox_message> claim_next(int limit, time_point now, time_point lease_until) override {
        std::vector<outbox_message> out;
        for (auto& m : d_.outbox) {
            if (m.processed_at) continue;
            if (static_cast<int>(out.size()) == limit || (m.lease_until && *m.lease_until > now)) break;
            m.lease_until = lease_until;
            out.push_back(m);
        }
        return out;
    }
    void mark_processed(std::int64_t id, time_point now) override {
        for (auto& m : d_.outbox)
            if (m.id == id) m.processed_at = now;
    }
    void release(std::int64_t first, std::int64_t last, time_point lease_until) override {
        for (auto& m : d_.outbox)
            if (m.id >= first && m.id <= last && !m.processed_at && m.lease_until == lease_until) m.lease_until.reset();
    }

private:
    memory_data& d_;
};

class memory_challenges final : public mfa_challenge_repository {
public:
    explicit memory_challenges(memory_data& d) : d_(d) {}
    void insert(const mfa_challenge& c) override { d_.mfa_challenges[c.token_digest] = c; }
    std::optional<mfa_challenge> lock(std::string_view digest) override {
        const auto it = d_.mfa_challenges.find(std::string(digest));
        return it == d_.mfa_challenges.end() ? std::nullopt : std::optional<mfa_challenge>(it->second);
    }
    void update(const mfa_challenge& c) override {
        auto& stored = d_.mfa_challenges.at(c.token_digest);
        stored.failures = c.failures;
        stored.ended_at = c.ended_at;
    }
    void end_all(std::string_view user_id, time_point now) override {
        for (auto& [digest, c] : d_.mfa_challenges)
            if (c.user_id == user_id && !c.ended_at) c.ended_at = now;
    }

private:
    memory_data& d_;
};

class memory_recovery_codes final : public recovery_code_repository {
public:
    explicit memory_recovery_codes(memory_data& d) : d_(d) {}
    void replace(std::string_view user_id, const std::vector<std::string>& digests, time_point) override {
        auto& codes = d_.recovery_codes[std::string(user_id)];
        codes.clear();
        for (const auto& digest : digests) codes[digest] = false;
    }
    bool use(std::string_view user_id, std::string_view digest, time_point) override {
        auto& codes = d_.recovery_codes[std::string(user_id)];
        const auto it = codes.find(std::string(digest));
        if (it == codes.end() || it->second) return false;
        return it->second = true;
    }

private:
    memory_data& d_;
};

class memory_emailed_tokens final : public emailed_token_repository {
public:
    explicit memory_emailed_tokens(std::vector<emailed_token>& rows) : rows_(rows) {}
    void insert(const emailed_token& t) override { rows_.push_back(t); }
    std::optional<emailed_token> find(std::string_view digest) override {
        for (const auto& t : rows_)
            if (t.token_digest == digest) return t;
        return std::nullopt;
    }
    std::optional<emailed_token> latest(std::string_view user_id) override {
        std::optional<emailed_token> out;
        for (const auto& t : rows_)
            if (t.user_id == user_id && (!out || t.created_at >= out->created_at)) out = t;
        return out;
    }
    void end_all(std::string_view user_id, time_point now) override {
        for (auto& t : rows_)
            if (t.user_id == user_id && !t.used_at) t.used_at = now;
    }

private:
    std::vector<emailed_token>& rows_;
};

class memory_messages final : public message_queue_repository {
public:
    explicit memory_messages(memory_data& d) : d_(d) {}
    void add(const queued_message& m) override {
        d_.messages.push_back(m);
        d_.messages.back().id = d_.next_message_id++;
    }
    std::vector<queued_message> claim_due(channel c, time_point now, time_point lease_until, int limit) override {
        std::vector<queued_message> out;
        std::set<std::string> waiting;  // recipients with an older pending message
        for (auto& m : d_.messages) {
            if (m.status != message_status::pending) continue;
            const bool free = waiting.insert(m.recipient_key).second;
            if (!free || m.message.channel != c || m.next_attempt_at > now || leased(m, now)) continue;
            if (static_cast<int>(out.size()) == limit) break;
            m.lease_until = lease_until;
            out.push_back(m);
        }
        return out;
    }
    bool has_due(channel c, time_point now) override {
        return std::any_of(d_.messages.begin(), d_.messages.end(), [&](const auto& m) {
            return m.status == message_status::pending && m.message.channel == c &&
                   (m.next_attempt_at <= now || m.expires_at <= now) && !leased(m, now);
        });
    }
    int expire_overdue(channel c, time_point now) override {
        int n = 0;
        for (auto& m : d_.messages) {
            if (m.status != message_status::pending || m.message.channel != c || m.expires_at > now || leased(m, now))
                continue;
            m.status = message_status::expired;
            m.sealed_secret.clear();
            ++n;
        }
        return n;
    }
    bool mark_sent(std::int64_t id, time_point lease, time_point now) override {
        auto* m = under_lease(id, lease);
        if (!m) return false;
        m->status = message_status::sent;
        m->sealed_secret.clear();
        m->sent_at = now;
        m->lease_until.reset();
        return true;
    }
    bool retry_later(std::int64_t id, time_point lease, int attempts, time_point next,
                     std::string_view error) override {
        auto* m = under_lease(id, lease);
        if (!m) return false;
        m->attempts = attempts;
        m->next_attempt_at = next;
        m->last_error = std::string(error);
        m->lease_until.reset();
        return true;
    }
    bool mark_dead(std::int64_t id, time_point lease, int attempts, std::string_view error) override {
        auto* m = under_lease(id, lease);
        if (!m) return false;
        m->status = message_status::dead;
        m->attempts = attempts;
        m->last_error = std::string(error);
        m->lease_until.reset();
        return true;
    }
    std::vector<queued_message> list_dead(int limit) override {
        std::vector<queued_message> out;
        for (auto it = d_.messages.rbegin(); it != d_.messages.rend() && static_cast<int>(out.size()) < limit; ++it)
            if (it->status == message_status::dead) out.push_back(*it);
        return out;
    }
    bool requeue(std::int64_t id, time_point now) override {
        auto* m = find(id);
        return m && revive(*m, now);
    }
    int requeue_all_dead(time_point now) override {
        int n = 0;
        for (auto& m : d_.messages) n += revive(m, now) ? 1 : 0;
        return n;
    }
    std::int64_t backlog(channel c) override {
        return std::count_if(d_.messages.begin(), d_.messages.end(), [&](const queued_message& m) {
            return m.status == message_status::pending && m.message.channel == c;
        });
    }

private:
    queued_message* find(std::int64_t id) {
        for (auto& m : d_.messages)
            if (m.id == id) return &m;
        return nullptr;
    }
    static bool leased(const queued_message& m, time_point now) { return m.lease_until && *m.lease_until > now; }
    queued_message* under_lease(std::int64_t id, time_point lease) {
        auto* m = find(id);
        return m && m->status == message_status::pending && m->lease_until == lease ? m : nullptr;
    }
    static bool revive(queued_message& m, time_point now) {
        if (m.status != message_status::dead || m.expires_at <= now) return false;
        m.status = message_status::pending;
        m.attempts = 0;
        m.next_attempt_at = now;
        m.lease_until.reset();
        return true;
    }
    memory_data& d_;
};

class memory_catalog final : public catalog_repository {
public:
    explicit memory_catalog(memory_data& d) : d_(d) {}
    std::optional<std::int64_t> insert_product(const product& p) override {
        if (find_product_by_sku(p.sku)) return std::nullopt;
        const auto id = d_.next_catalog_id++;
        (d_.products[id] = p).id = id;
        return id;
    }
    std::optional<product> find_product(std::int64_t id) override { return find_in(d_.products, id); }
    std::optional<product> find_product_by_sku(std::string_view sku) override {
        for (const auto& [id, p] : d_.products)
            if (p.sku == sku) return p;
        return std::nullopt;
    }
    std::optional<product> lock_product(std::int64_t id) override { return find_product(id); }
    bool update_product(const product& p) override {
        if (const auto other = find_product_by_sku(p.sku); other && other->id != p.id) return false;
        const auto created = d_.products.at(p.id).created_at;
        (d_.products[p.id] = p).created_at = created;
        return true;
    }
    std::vector<product> list_products(const product_filter& f, std::int64_t offset, int limit) override {
        std::vector<product> out;
        for (const auto& [id, p] : d_.products)
            if (passes(f, p) && offset-- <= 0 && static_cast<int>(out.size()) < limit) out.push_back(p);
        return out;
    }
    std::int64_t count_products(const product_filter& f) override {
        return std::count_if(d_.products.begin(), d_.products.end(),
                             [&](const auto& e) { return passes(f, e.second); });
    }
    void add_price(std::int64_t product_id, const price_record& r) override {
        d_.price_history.emplace_back(product_id, r);
    }
    std::vector<price_record> price_history(std::int64_t product_id) override {
        std::vector<price_record> out;
        for (const auto& [id, r] : d_.price_history)
            if (id == product_id) out.insert(out.begin(), r);
        std::stable_sort(out.begin(), out.end(),
                         [](const auto& a, const auto& b) { return a.recorded_at > b.recorded_at; });
        return out;
    }
    std::int64_t insert_supplier(const supplier& s) override {
        const auto id = d_.next_catalog_id++;
        (d_.suppliers[id] = s).id = id;
        return id;
    }
    std::optional<supplier> find_supplier(std::int64_t id) override { return find_in(d_.suppliers, id); }
    std::optional<supplier> lock_supplier(std::int64_t id) override { return find_supplier(id); }
    void update_supplier(const supplier& s) override {
        const auto created = d_.suppliers.at(s.id).created_at;
        (d_.suppliers[s.id] = s).created_at = created;
    }
    std::vector<supplier> list_suppliers() override {
        std::vector<supplier> out;
        for (const auto& [id, s] : d_.suppliers) out.push_back(s);
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        return out;
    }
    std::int64_t insert_contact(const supplier_contact& c) override {
        const auto id = d_.next_catalog_id++;
        (d_.supplier_contacts[id] = c).id = id;
        return id;
    }
    std::vector<supplier_contact> contacts_of(std::int64_t supplier_id) override {
        std::vector<supplier_contact> out;
        for (const auto& [id, c] : d_.supplier_contacts)
            if (c.supplier_id == supplier_id) out.push_back(c);
        return out;
    }

private:
    static bool passes(const product_filter& f, const product& p) {
        return (!f.best_seller || p.best_seller == *f.best_seller) && (!f.active || p.is_active == *f.active) &&
               (!f.supplier_id || p.supplier_id == f.supplier_id);
    }
    template <class Map>
    static std::optional<typename Map::mapped_type> find_in(const Map& m, std::int64_t id) {
        const auto it = m.find(id);
        return it == m.end() ? std::nullopt : std::optional<typename Map::mapped_type>(it->second);
    }
    memory_data& d_;
};
}  // namespace

/// The clean-up over the memory tables. Lockouts keep no time of their last change here: one ends with its lock.
class memory_retention final : public retention_repository {
public:
    explicit memory_retention(memory_data& d) : d_(d) {}
    int delete_ended(ended_rows rows, time_point cutoff, int limit) override {
        const auto before = [&](std::optional<time_point> t) { return t && *t < cutoff; };
        switch (rows) {
            case ended_rows::otp_codes:
                return erase_some(d_.otp_codes, limit, [&](const otp_code& c) { return c.expires_at < cutoff; });
            case ended_rows::otp_lockouts:
                return erase_some(d_.otp_lockouts, limit, [&](const auto& e) { return before(e.second.locked_until); });
            case ended_rows::mfa_challenges:
                return erase_some(d_.mfa_challenges, limit,
                                  [&](const auto& e) { return e.second.expires_at < cutoff; });
            case ended_rows::email_verifications:
                return erase_some(d_.email_verifications, limit,
                                  [&](const emailed_token& t) { return t.expires_at < cutoff; });
            case ended_rows::password_resets:
                return erase_some(d_.password_resets, limit,
                                  [&](const emailed_token& t) { return t.expires_at < cutoff; });
            case ended_rows::email_changes:
                return erase_some(d_.email_changes, limit,
                                  [&](const emailed_token& t) { return t.expires_at < cutoff; });
            case ended_rows::refresh_tokens:
                return erase_some(d_.refresh_tokens, limit,
                                  [&](const auto& e) { return e.second.expires_at < cutoff; });
            case ended_rows::expired_sessions:
                return erase_some(d_.sessions, limit, [&](const auto& e) { return e.second.expires_at < cutoff; });
            case ended_rows::revoked_sessions:
                return erase_some(d_.sessions, limit, [&](const auto& e) { return before(e.second.revoked_at); });
            case ended_rows::finished_messages:
                return erase_some(d_.messages, limit, [&](const queued_message& m) {
                    return m.status != message_status::pending && m.created_at < cutoff;
                });
            case ended_rows::published_outbox:
                return erase_some(d_.outbox, limit, [&](const outbox_message& m) { return before(m.processed_at); });
            case ended_rows::audit_events:
                return erase_some(d_.audit_events, limit, [&](const audit_event& e) { return e.at < cutoff; });
        }
        return 0;
    }
    bool lease_task(std::string_view task, time_point now, time_point until) override {
        auto [it, added] = d_.task_leases.try_emplace(std::string(task), time_point{});
        if (it->second > now) return false;
        it->second = until;
        return true;
    }
    void release_task(std::string_view task, time_point until) override {
        if (auto it = d_.task_leases.find(std::string(task)); it != d_.task_leases.end() && it->second == until)
            it->second = time_point{};
    }

private:
    template <class Rows, class Ended>
    static int erase_some(Rows& rows, int limit, Ended ended) {
        int n = 0;
        for (auto it = rows.begin(); it != rows.end() && n < limit;) {
            if (ended(*it)) {
                it = rows.erase(it);
                ++n;
            } else {
                ++it;
            }
        }
        return n;
    }
    memory_data& d_;
};

/// The audit trail as a vector in id order.
class memory_audit final : public audit_repository {
public:
    explicit memory_audit(memory_data& d) : d_(d) {}
    void add(const audit_event& e) override {
        d_.audit_events.push_back(e);
        d_.audit_events.back().id = d_.next_audit_id++;
    }
    std::vector<audit_event> list(const audit_query& q) override {
        auto all = matching(q);
        std::vector<audit_event> out;
        const auto from = static_cast<std::size_t>(q.page) * static_cast<std::size_t>(q.size);
        for (auto i = from; i < all.size() && out.size() < static_cast<std::size_t>(q.size); ++i) out.push_back(all[i]);
        return out;
    }
    std::int64_t count(const audit_query& q) override { return static_cast<std::int64_t>(matching(q).size()); }

private:
    std::vector<audit_event> matching(const audit_query& q) const {
        std::vector<audit_event> out;
        for (auto it = d_.audit_events.rbegin(); it != d_.audit_events.rend(); ++it) {
            if (q.principal_id && it->principal_id != *q.principal_id) continue;
            if (q.type && it->type != *q.type) continue;
            if (q.since && it->at < *q.since) continue;
            if (q.until && it->at >= *q.until) continue;
            out.push_back(*it);
        }
        return out;
    }
    memory_data& d_;
};

class memory_signing_keys final : public signing_key_repository {
public:
    explicit memory_signing_keys(memory_data& d) : d_(d) {}
    std::vector<stored_signing_key> list() override {
        auto out = d_.signing_keys;
        std::sort(out.begin(), out.end(), [](const stored_signing_key& a, const stored_signing_key& b) {
            return std::tie(a.created_at, a.kid) < std::tie(b.created_at, b.kid);
        });
        return out;
    }
    void insert(const stored_signing_key& k) override {
        for (const auto& held : d_.signing_keys)
            if (held.kid == k.kid) throw std::runtime_error("duplicate signing key id");  // the primary key
        d_.signing_keys.push_back(k);
    }
    int retire_active(std::string_view algorithm, time_point now) override {
        int n = 0;
        for (auto& k : d_.signing_keys)
            if (k.algorithm == algorithm && !k.retired_at) {
                k.retired_at = now;
                ++n;
            }
        return n;
    }

private:
    memory_data& d_;
};

class memory_sealed_values final : public sealed_value_repository {
public:
    explicit memory_sealed_values(memory_data& d) : d_(d) {}
    std::vector<sealed_value> page(sealed_column column, std::string_view after, int limit) override {
        std::vector<sealed_value> out;
        for_each(column, [&](const std::string& key, std::string& sealed) {
            if (!sealed.empty() && key > after) out.push_back({column, key, sealed});
        });
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
        if (out.size() > static_cast<std::size_t>(limit)) out.resize(static_cast<std::size_t>(limit));
        return out;
    }
    bool replace(const sealed_value& old, std::string_view sealed) override {
        bool done = false;
        for_each(old.column, [&](const std::string& key, std::string& value) {
            if (key == old.key && value == old.sealed) {
                value = sealed;
                done = true;
            }
        });
        return done;
    }

private:
    template <class Fn>
    void for_each(sealed_column column, Fn fn) {
        switch (column) {
            case sealed_column::totp_secret:
                for (auto& [id, u] : d_.users)
                    if (u.totp_secret) fn(id, *u.totp_secret);
                break;
            case sealed_column::message_secret:
                for (auto& m : d_.messages) fn(m.message_id, m.sealed_secret);
                break;
            case sealed_column::signing_key:
                for (auto& k : d_.signing_keys) fn(k.kid, k.sealed_private);
                break;
        }
    }
    memory_data& d_;
};

void memory_store::run(const std::function<void(repositories&)>& work) {
    std::lock_guard lock(mutex_);
    memory_data copy = data_;  // the transaction's "before" image
    memory_users users(data_);
    memory_sessions sessions(data_);
    memory_agents agents(data_);
    memory_otps otps(data_);
    memory_events events(data_);
    memory_outbox outbox(data_);
    memory_catalog catalog(data_);
    memory_challenges challenges(data_);
    memory_recovery_codes recovery_codes(data_);
    memory_emailed_tokens verifications(data_.email_verifications);
    memory_emailed_tokens password_resets(data_.password_resets);
    memory_emailed_tokens email_changes(data_.email_changes);
    memory_messages messages(data_);
    memory_retention retention(data_);
    memory_audit audit(data_);
    memory_signing_keys signing_keys(data_);
    memory_sealed_values sealed_values(data_);
    std::vector<std::function<void()>> after_commit;
    repositories repos{users,    sessions,   agents,         otps,          events,          outbox,
                       catalog,  challenges, recovery_codes, verifications, password_resets, email_changes,
                       messages, retention,  audit,          signing_keys,  sealed_values,   after_commit};
    try {
        work(repos);
    } catch (...) {
        data_ = std::move(copy);
        throw;
    }
    for (const auto& hook : after_commit) hook();
}

}  // namespace authd::test
