#include "tests/support/fakes.hpp"

#include <algorithm>
#include <sstream>

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

std::string fake_codec::sign(const access_claims& claims) {
    std::lock_guard lock(mutex_);
    std::string token = "token-" + claims.token_id;
    issued_[token] = claims;
    return token;
}

std::optional<access_claims> fake_codec::verify(std::string_view token, time_point now) {
    std::lock_guard lock(mutex_);
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
    void update(const user& u) override {
        auto roles = d_.users.at(u.id).roles;
        d_.users[u.id] = u;
        d_.users[u.id].roles = roles;
    }
    void set_roles(std::string_view id, const std::vector<std::string>& roles) override {
        auto& stored = d_.users.at(std::string(id)).roles;
        stored = roles;
        std::sort(stored.begin(), stored.end());
    }
    bool remove(std::string_view id) override { return d_.users.erase(std::string(id)) > 0; }

private:
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
    void update(const agent& a) override { d_.agents.at(a.id) = a; }

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
}  // namespace

void memory_store::write(const std::function<void(repositories&)>& work) {
    std::lock_guard lock(mutex_);
    memory_data copy = data_;  // the transaction's "before" image
    memory_users users(data_);
    memory_sessions sessions(data_);
    memory_agents agents(data_);
    memory_otps otps(data_);
    repositories repos{users, sessions, agents, otps};
    try {
        work(repos);
    } catch (...) {
        data_ = std::move(copy);
        throw;
    }
}

}  // namespace authd::test
