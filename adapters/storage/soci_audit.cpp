// The audit trail over SOCI.
#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One audit_events row; empty texts are stored as NULL.
struct audit_row : row_of<audit_event, "audit_events", "id", true> {
    audit_event e;
    std::string type, outcome;
    std::tm occurred_at{};
    nullable_text principal_id, actor_id, ip, user_agent, request_id, detail;

    static std::optional<std::string> unless_empty(const std::string& s) {
        return s.empty() ? std::nullopt : std::optional<std::string>(s);
    }

    audit_row() = default;
    explicit audit_row(const audit_event& from)
        : e(from),
          type(to_string(from.type)),
          outcome(to_string(from.outcome)),
          occurred_at(to_tm(from.at)),
          principal_id(unless_empty(from.principal_id)),
          actor_id(unless_empty(from.actor_id)),
          ip(unless_empty(from.ip)),
          user_agent(unless_empty(from.user_agent)),
          request_id(unless_empty(from.request_id)),
          detail(unless_empty(from.detail)) {}

    template <class Each>
    void each_column(Each each) {
        each("id", e.id);
        each("occurred_at", occurred_at);
        each("type", type);
        each("outcome", outcome);
        each("principal_id", principal_id.value, principal_id.ind);
        each("actor_id", actor_id.value, actor_id.ind);
        each("ip", ip.value, ip.ind);
        each("user_agent", user_agent.value, user_agent.ind);
        each("request_id", request_id.value, request_id.ind);
        each("detail", detail.value, detail.ind);
    }

    audit_event to_entity() const {
        audit_event out = e;
        out.at = from_tm(occurred_at);
        out.type = stored_enum("audit_events.type", type, parse_audit_type);
        out.outcome = stored_enum("audit_events.outcome", outcome, parse_audit_outcome);
        out.principal_id = principal_id.get().value_or("");
        out.actor_id = actor_id.get().value_or("");
        out.ip = ip.get().value_or("");
        out.user_agent = user_agent.get().value_or("");
        out.request_id = request_id.get().value_or("");
        out.detail = detail.get().value_or("");
        return out;
    }
};

/// The WHERE clause of a list and the values it binds (SOCI keeps references: this outlives the statement).
struct audit_filter {
    std::string where;
    std::string principal, type;
    std::tm since{}, until{};

    explicit audit_filter(const audit_query& q) {
        std::vector<std::string> terms;
        if (q.principal_id) {
            principal = *q.principal_id;
            terms.emplace_back("principal_id = :principal");
        }
        if (q.type) {
            type = std::string(to_string(*q.type));
            terms.emplace_back("type = :type");
        }
        if (q.since) {
            since = to_tm(*q.since);
            terms.emplace_back("occurred_at >= :since");
        }
        if (q.until) {
            until = to_tm(*q.until);
            terms.emplace_back("occurred_at < :until");
        }
        for (const auto& t : terms) where += (where.empty() ? " WHERE " : " AND ") + t;
    }
    void bind(soci::statement& st, const audit_query& q) {
        if (q.principal_id) st.exchange(soci::use(principal));
        if (q.type) st.exchange(soci::use(type));
        if (q.since) st.exchange(soci::use(since));
        if (q.until) st.exchange(soci::use(until));
    }
};
}  // namespace

void soci_audit::add(const audit_event& e) {
    insert_row<audit_row>(sql_, e);
    if (listener_) after_commit_.emplace_back([e, &listener = listener_] { listener(e); });
}

std::vector<audit_event> soci_audit::list(const audit_query& q) {
    audit_filter f(q);
    // Sizes and offsets are validated integers: written into the text, as every dialect takes them there.
    return select_all<audit_row>(sql_,
                                 select_from<audit_row>() + f.where + " ORDER BY id DESC LIMIT " +
                                     std::to_string(q.size) + " OFFSET " +
                                     std::to_string(static_cast<long long>(q.page) * q.size),
                                 [&](soci::statement& st) { f.bind(st, q); });
}

std::int64_t soci_audit::count(const audit_query& q) {
    audit_filter f(q);
    return count_rows(sql_, "SELECT COUNT(*) FROM audit_events" + f.where, [&](soci::statement& st) { f.bind(st, q); });
}

}  // namespace authd::storage
