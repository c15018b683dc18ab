// Fuzzes the JSON adapter the way request bodies and stored preferences reach it (adapters/json/json.hpp).
// Proves, for any bytes: object_reader::parse and its getters, compact, compact_object and merge_objects never
// crash, overflow the stack (deep nesting is refused at json::max_depth) or read out of bounds; parse and
// compact_object accept the same texts; what compact() writes (what the service stores) is accepted again and
// compacts to itself, and an object stays one; merge_objects always writes an object, and an empty patch gives
// the base back.
// The input is split at its first NUL byte (else in the middle) into the base and the patch of the merge.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/json/json.hpp"
#include "tests/fuzz/check.hpp"

namespace {

/// Every getter on a few names the handlers use, and on the objects of an array, as handlers read bodies.
void read_members(const authd::json::object_reader& obj, int depth) {
    authd::validator v;
    for (const std::string_view key : {"email", "password", "name", "roles", "price", "items", "a", ""}) {
        (void)obj.has(key);
        (void)obj.is_null(key);
        (void)obj.string(key, v);
        (void)obj.required_string(key, v);
        (void)obj.integer(key, v);
        (void)obj.boolean(key, v);
        (void)obj.strings(key, v);
        (void)obj.number_text(key, v);
        if (auto nested = obj.objects(key, v); nested && depth < 3)
            for (const auto& o : *nested) read_members(o, depth + 1);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto reader = authd::json::object_reader::parse(text);
    if (reader) read_members(*reader, 0);

    const auto compacted = authd::json::compact(text);
    const auto object = authd::json::compact_object(text);
    FUZZ_CHECK(reader.has_value() == object.has_value());
    if (object) FUZZ_CHECK(compacted && *compacted == *object);
    if (compacted) {
        const auto again = authd::json::compact(*compacted);
        FUZZ_CHECK(again.has_value() && *again == *compacted);
        FUZZ_CHECK(authd::json::compact_object(*compacted).has_value() == object.has_value());
    }

    std::size_t cut = text.find('\0');
    if (cut == std::string_view::npos) cut = size / 2;
    const auto base = text.substr(0, cut);
    const auto patch = text.substr(cut < size ? cut + 1 : cut);
    const auto merged = authd::json::merge_objects(base, patch);
    FUZZ_CHECK(authd::json::object_reader::parse(merged).has_value());
    // An empty patch changes nothing: the base comes back compacted, or {} when the base is no object.
    const auto base_object = authd::json::compact_object(base);
    FUZZ_CHECK(authd::json::merge_objects(base, "{}") == base_object.value_or("{}"));
    return 0;
}
