#include "core/audit/audit_trail.hpp"

namespace authd {
namespace {
/// A header as the trail keeps it: printable ASCII, at most 512 characters. Any other byte becomes '?', so that
/// no value a client sends (bytes that are not UTF-8, controls) can fail the insert and with it the change.
std::string plain_header(std::string_view value) {
    std::string out(value.substr(0, 512));
    for (auto& c : out)
        if (c < 0x20 || c > 0x7e) c = '?';
    return out;
}
}  // namespace

void record(repositories& repos, const audit_entry& entry, time_point at) {
    const auto& origin = current_origin();
    audit_event e;
    e.at = at;
    e.type = entry.type;
    e.outcome = entry.outcome;
    e.principal_id = std::string(entry.principal_id);
    e.actor_id = std::string(entry.actor_id.empty() ? entry.principal_id : entry.actor_id);
    e.ip = origin.ip;
    e.user_agent = plain_header(origin.user_agent);
    e.request_id = origin.request_id;
    e.detail = entry.detail;
    repos.audit.add(e);
}

result<page_of<audit_event>> audit_trail::list(const audit_query& q) {
    validator v;
    check_page(q.page, q.size, v);
    if (q.since && q.until && *q.until <= *q.since) v.add("until", "must be after since");
    if (!v.ok()) return v.to_failure();
    return read_tx(uow_, [&](repositories& repos) {
        page_of<audit_event> p;
        p.items = repos.audit.list(q);
        p.number = q.page;
        p.size = q.size;
        p.total_elements = repos.audit.count(q);
        p.total_pages = (p.total_elements + q.size - 1) / q.size;
        return p;
    });
}

}  // namespace authd
