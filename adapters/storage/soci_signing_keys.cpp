// The signing keys of access tokens over SOCI.
#include "adapters/storage/row_mapping.hpp"

namespace authd::storage {
namespace {
/// One signing_keys row.
struct signing_key_row : row_of<stored_signing_key, "signing_keys", "kid"> {
    stored_signing_key k;
    std::tm created{};
    nullable_time retired;

    signing_key_row() = default;
    explicit signing_key_row(const stored_signing_key& from)
        : k(from), created(to_tm(from.created_at)), retired(from.retired_at) {}

    template <class Each>
    void each_column(Each each) {
        each("kid", k.kid);
        each("algorithm", k.algorithm);
        each("public_pem", k.public_pem);
        each("sealed_private", k.sealed_private);
        each("created_at", created);
        each("retired_at", retired.value, retired.ind);
    }

    stored_signing_key to_entity() const {
        stored_signing_key out = k;
        out.created_at = from_tm(created);
        out.retired_at = retired.get();
        return out;
    }
};
}  // namespace

std::vector<stored_signing_key> soci_signing_keys::list() {
    return select_all<signing_key_row>(sql_, select_from<signing_key_row>() + " ORDER BY created_at, kid",
                                       [](soci::statement&) {});
}

void soci_signing_keys::insert(const stored_signing_key& k) { insert_row<signing_key_row>(sql_, k); }

int soci_signing_keys::retire_active(std::string_view algorithm_view, time_point now_value) {
    const std::string algorithm(algorithm_view);
    std::tm now = to_tm(now_value);
    soci::statement st = (sql_.prepare << "UPDATE signing_keys SET retired_at = :now "
                                          "WHERE algorithm = :algorithm AND retired_at IS NULL",
                          soci::use(now), soci::use(algorithm));
    return static_cast<int>(execute_counting(st));
}

}  // namespace authd::storage
