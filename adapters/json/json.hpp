#pragma once
// JSON in and out without RapidJSON in the header: many handlers include this.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/validation.hpp"

namespace authd::json {

/// The deepest nesting of arrays and objects any parsed document may have; deeper is not valid JSON to authd
/// (400 malformed_json), so that no walk over a parsed value can exhaust the stack.
inline constexpr int max_depth = 32;

/// A parsed request body that must be a JSON object. Getters return nothing
/// for an absent or null member, and report a member of the wrong type to the
/// validator, so that one 400 lists every bad field.
class object_reader {
public:
    /// Nothing when the text is not valid JSON, nests deeper than max_depth, or is not an object.
    static std::optional<object_reader> parse(std::string_view text);
    object_reader(object_reader&&) noexcept;
    object_reader& operator=(object_reader&&) noexcept;
    ~object_reader();

    bool has(std::string_view key) const;
    std::optional<std::string> string(std::string_view key, validator& v) const;
    std::optional<std::int64_t> integer(std::string_view key, validator& v) const;
    std::optional<bool> boolean(std::string_view key, validator& v) const;
    std::optional<std::vector<std::string>> strings(std::string_view key, validator& v) const;
    /// A required string: reports "is required" when absent.
    std::optional<std::string> required_string(std::string_view key, validator& v) const;
    /// True when the member is there with the value null (an absent member is not null): for a partial update,
    /// null clears a field and absence leaves it alone.
    bool is_null(std::string_view key) const;
    /// A number as the client wrote it ("19.99", "20", "20.0", "1e2", "19.991"), so that a price reaches the core as
    /// the digits sent, not as a binary double that may have rounded them. (Of an object read out of another: the
    /// shortest text that reads back as the same double.) Reports "must be a number".
    std::optional<std::string> number_text(std::string_view key, validator& v) const;
    /// An array of objects, each to be read on its own; reports "must be an array of objects".
    std::optional<std::vector<object_reader>> objects(std::string_view key, validator& v) const;

private:
    struct impl;
    explicit object_reader(std::unique_ptr<impl> p);
    std::unique_ptr<impl> impl_;
};

/// Builds a JSON text: writer w; w.begin_object().key("a").value(1).end_object(); std::move(w).str().
class writer {
public:
    writer();
    ~writer();
    writer& begin_object();
    writer& end_object();
    writer& begin_array();
    writer& end_array();
    writer& key(std::string_view k);
    writer& value(std::string_view s);
    writer& value(const char* s) { return value(std::string_view(s)); }
    writer& value(const std::string& s) { return value(std::string_view(s)); }
    writer& value(std::int64_t n);
    writer& value(int n) { return value(static_cast<std::int64_t>(n)); }
    writer& value(bool b);
    writer& null();
    writer& value(const std::optional<std::string>& s) { return s ? value(*s) : null(); }
    writer& value(const std::vector<std::string>& list);
    /// Inserts already serialized JSON as the next value.
    writer& raw(std::string_view json);
    template <class T>
    writer& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }
    std::string str() &&;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

/// Whole JSON documents the service stores without looking into them (user preferences).
/// The text of `text` re-serialized compactly, or nothing when it is not valid JSON (or nests past max_depth).
std::optional<std::string> compact(std::string_view text);
/// Like compact(), but nothing unless the document is a JSON object.
std::optional<std::string> compact_object(std::string_view text);
/// True when a member name or a string anywhere in the document holds U+0000 ("\u0000"): valid JSON, but no text of
/// authd takes it, and PostgreSQL's JSONB refuses it.
bool holds_nul(std::string_view text);
/// A top-level merge of two serialized objects: each member of `patch` replaces the member of that
/// name in `base`, and a member whose value is null removes it. Both must be objects (compact_object).
std::string merge_objects(std::string_view base, std::string_view patch);

}  // namespace authd::json
