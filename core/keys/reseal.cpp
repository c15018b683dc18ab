#include "core/keys/reseal.hpp"

namespace authd {

reseal_report reseal_secrets(unit_of_work& uow, secret_box& box) {
    constexpr int page_size = 200;
    reseal_report report;
    for (const auto column : {sealed_column::totp_secret, sealed_column::message_secret, sealed_column::signing_key}) {
        std::string after;
        for (;;) {
            std::vector<sealed_value> page;
            uow.read([&](repositories& repos) { page = repos.sealed_values.page(column, after, page_size); });
            for (const auto& v : page) {
                if (box.sealed_with_current_key(v.sealed)) {
                    ++report.current;
                    continue;
                }
                const auto plain = box.open(v.sealed, v.key);
                if (!plain) {
                    ++report.unreadable;
                    continue;
                }
                const auto sealed = box.seal(*plain, v.key);
                bool replaced = false;
                uow.write([&](repositories& repos) { replaced = repos.sealed_values.replace(v, sealed); });
                // Not replaced: the value was rewritten meanwhile by an instance, which seals under its first key.
                ++(replaced ? report.resealed : report.current);
            }
            if (static_cast<int>(page.size()) < page_size) break;
            after = page.back().key;
        }
    }
    return report;
}

}  // namespace authd
