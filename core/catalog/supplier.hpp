#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/common/time.hpp"
#include "core/common/validation.hpp"

namespace authd {

/// A company the products come from.
struct supplier {
    std::int64_t id = 0;  ///< given by the database
    std::string name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> address;
    time_point created_at{};
    time_point updated_at{};
};

/// A person to talk to at a supplier.
struct supplier_contact {
    std::int64_t id = 0;  ///< given by the database
    std::int64_t supplier_id = 0;
    std::string name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> role;
};

/// The contact fields a client sent.
struct contact_fields {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> role;
};

/// The supplier fields a client sent: everything optional, so that one type serves creation (where name is
/// required) and partial updates. An engaged outer optional holding nothing (JSON null) clears the field.
/// `contacts` are only read at creation.
struct supplier_fields {
    std::optional<std::string> name;
    std::optional<std::optional<std::string>> email;
    std::optional<std::optional<std::string>> phone;
    std::optional<std::optional<std::string>> address;
    std::vector<contact_fields> contacts;
};

/// Writes the fields that are present into `s`, reporting every bad one to `v`; `creating` requires the name.
void apply_supplier_fields(const supplier_fields& f, supplier& s, validator& v, bool creating);

/// A contact from its fields, reporting every bad one to `v` with `prefix` before its name: with "contacts[0]."
/// a missing name is reported as "contacts[0].name".
supplier_contact make_contact(const contact_fields& f, const std::string& prefix, validator& v);

}  // namespace authd
