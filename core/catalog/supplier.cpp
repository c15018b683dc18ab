#include "core/catalog/supplier.hpp"

namespace authd {
namespace {
/// Optional free text: when given, 1 to max characters.
void check_optional_text(const std::optional<std::string>& value, std::size_t max, const std::string& field,
                         validator& v) {
    if (value)
        if (auto e = check_text(*value, max)) v.add(field, *e);
}

void check_optional_email(const std::optional<std::string>& value, const std::string& field, validator& v) {
    if (value)
        if (auto e = check_email(*value)) v.add(field, *e);
}
}  // namespace

void apply_supplier_fields(const supplier_fields& f, supplier& s, validator& v, bool creating) {
    if (f.name) {
        if (auto e = check_text(*f.name, 255)) v.add("name", *e);
        else s.name = *f.name;
    } else if (creating) {
        v.add("name", "is required");
    }
    if (f.email) {
        check_optional_email(*f.email, "email", v);
        s.email = *f.email;
    }
    if (f.phone) {
        check_optional_text(*f.phone, 50, "phone", v);
        s.phone = *f.phone;
    }
    if (f.address) {
        check_optional_text(*f.address, 500, "address", v);
        s.address = *f.address;
    }
}

supplier_contact make_contact(const contact_fields& f, const std::string& prefix, validator& v) {
    supplier_contact c;
    if (!f.name) v.add(prefix + "name", "is required");
    else if (auto e = check_text(*f.name, 255)) v.add(prefix + "name", *e);
    else c.name = *f.name;
    check_optional_email(f.email, prefix + "email", v);
    check_optional_text(f.phone, 50, prefix + "phone", v);
    check_optional_text(f.role, 100, prefix + "role", v);
    c.email = f.email;
    c.phone = f.phone;
    c.role = f.role;
    return c;
}

}  // namespace authd
