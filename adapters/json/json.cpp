#include "adapters/json/json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unordered_map>

namespace authd::json {
namespace {
// Iterative: RapidJSON's default parser recurses once per nesting level, so a body of "[[[[…" would overflow the
// C stack. Every document authd parses also passes nesting_within(), so that the recursive walks done on parsed
// values later (serializing, copying) stay shallow. Full precision: the fast default may read a number one bit off,
// so that stored preferences would drift a little with every re-save (found by tests/fuzz/json_body).
constexpr unsigned parse_flags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;

/// False when arrays and objects nest deeper than max_depth anywhere in `text`. One pass, no recursion; it only
/// counts brackets outside strings, so it needs no valid JSON (the parser judges that).
bool nesting_within(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if ((c == ']' || c == '}') && --depth < 0) {
            return false;  // a closing bracket with nothing open: not JSON either
        }
    }
    return true;
}

bool parse_document(rapidjson::Document& doc, std::string_view text) {
    if (!nesting_within(text)) return false;
    doc.Parse<parse_flags>(text.data(), text.size());
    return !doc.HasParseError();
}
}  // namespace

struct object_reader::impl {
    rapidjson::Document doc;

    const rapidjson::Value* member(std::string_view key) const {
        const auto it = doc.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
        if (it == doc.MemberEnd() || it->value.IsNull()) return nullptr;
        return &it->value;
    }
};

object_reader::object_reader(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
object_reader::object_reader(object_reader&&) noexcept = default;
object_reader::~object_reader() = default;

std::optional<object_reader> object_reader::parse(std::string_view text) {
    auto p = std::make_unique<impl>();
    // kParseStopWhenDoneFlag is off, so trailing garbage fails.
    if (!parse_document(p->doc, text) || !p->doc.IsObject()) return std::nullopt;
    return object_reader(std::move(p));
}

bool object_reader::has(std::string_view key) const { return impl_->member(key) != nullptr; }

std::optional<std::string> object_reader::string(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    if (!m->IsString()) {
        v.add(std::string(key), "must be a string");
        return std::nullopt;
    }
    std::string text(m->GetString(), m->GetStringLength());
    // Every text field enters here: one rule for all of them, and the same answer on every backend.
    if (has_control_characters(text)) {
        v.add(std::string(key), "must not contain control characters");
        return std::nullopt;
    }
    return text;
}

std::optional<std::string> object_reader::required_string(std::string_view key, validator& v) const {
    if (!impl_->member(key)) {
        v.add(std::string(key), "is required");
        return std::nullopt;
    }
    return string(key, v);
}

std::optional<std::int64_t> object_reader::integer(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    if (!m->IsInt64()) {
        v.add(std::string(key), "must be an integer");
        return std::nullopt;
    }
    return m->GetInt64();
}

std::optional<bool> object_reader::boolean(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    if (!m->IsBool()) {
        v.add(std::string(key), "must be true or false");
        return std::nullopt;
    }
    return m->GetBool();
}

std::optional<std::vector<std::string>> object_reader::strings(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    std::vector<std::string> out;
    if (m->IsArray()) {
        for (const auto& e : m->GetArray()) {
            if (!e.IsString() || has_control_characters({e.GetString(), e.GetStringLength()})) break;
            out.emplace_back(e.GetString(), e.GetStringLength());
        }
        if (out.size() == m->Size()) return out;
    }
    v.add(std::string(key), "must be an array of strings without control characters");
    return std::nullopt;
}

bool object_reader::is_null(std::string_view key) const {
    const auto it = impl_->doc.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
    return it != impl_->doc.MemberEnd() && it->value.IsNull();
}

std::optional<std::string> object_reader::number_text(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    if (!m->IsNumber()) {
        v.add(std::string(key), "must be a number");
        return std::nullopt;
    }
    if (m->IsInt64()) return std::to_string(m->GetInt64());
    if (m->IsUint64()) return std::to_string(m->GetUint64());
    // RapidJSON's Writer prints a double in its shortest round-trip form (Grisu2): 19.99 stays "19.99".
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.Double(m->GetDouble());
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<std::vector<object_reader>> object_reader::objects(std::string_view key, validator& v) const {
    const auto* m = impl_->member(key);
    if (!m) return std::nullopt;
    std::vector<object_reader> out;
    if (m->IsArray()) {
        for (const auto& e : m->GetArray()) {
            if (!e.IsObject()) break;
            auto p = std::make_unique<impl>();
            p->doc.CopyFrom(e, p->doc.GetAllocator());
            out.push_back(object_reader(std::move(p)));
        }
        if (out.size() == m->Size()) return out;
    }
    v.add(std::string(key), "must be an array of objects");
    return std::nullopt;
}

struct writer::impl {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w{buffer};
};

writer::writer() : impl_(std::make_unique<impl>()) {}
writer::~writer() = default;
writer& writer::begin_object() { impl_->w.StartObject(); return *this; }
writer& writer::end_object() { impl_->w.EndObject(); return *this; }
writer& writer::begin_array() { impl_->w.StartArray(); return *this; }
writer& writer::end_array() { impl_->w.EndArray(); return *this; }
writer& writer::key(std::string_view k) { impl_->w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); return *this; }
writer& writer::value(std::string_view s) { impl_->w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); return *this; }
writer& writer::value(std::int64_t n) { impl_->w.Int64(n); return *this; }
writer& writer::value(bool b) { impl_->w.Bool(b); return *this; }
writer& writer::null() { impl_->w.Null(); return *this; }
writer& writer::value(const std::vector<std::string>& list) {
    begin_array();
    for (const auto& s : list) value(s);
    return end_array();
}
writer& writer::raw(std::string_view json) {
    impl_->w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
    return *this;
}
std::string writer::str() && { return std::string(impl_->buffer.GetString(), impl_->buffer.GetSize()); }

namespace {
std::string serialize(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    v.Accept(w);
    return std::string(buffer.GetString(), buffer.GetSize());
}
}  // namespace

std::optional<std::string> compact(std::string_view text) {
    rapidjson::Document doc;
    if (!parse_document(doc, text)) return std::nullopt;
    return serialize(doc);
}

std::optional<std::string> compact_object(std::string_view text) {
    rapidjson::Document doc;
    if (!parse_document(doc, text) || !doc.IsObject()) return std::nullopt;
    return serialize(doc);
}

std::string merge_objects(std::string_view base_text, std::string_view patch_text) {
    rapidjson::Document base, patch;
    if (!parse_document(base, base_text) || !base.IsObject()) base.SetObject();
    if (!parse_document(patch, patch_text) || !patch.IsObject()) return serialize(base);
    // Linear in both sizes: each name of the patch is looked up in a hash set, never searched for in the base.
    // A name the patch carries twice counts once, with its last value.
    std::unordered_map<std::string_view, const rapidjson::Value*> last;
    for (const auto& m : patch.GetObject()) last[{m.name.GetString(), m.name.GetStringLength()}] = &m.value;
    rapidjson::Document out;
    out.SetObject();
    auto& alloc = out.GetAllocator();
    for (const auto& m : base.GetObject())
        if (!last.contains({m.name.GetString(), m.name.GetStringLength()}))
            out.AddMember(rapidjson::Value(m.name, alloc), rapidjson::Value(m.value, alloc), alloc);
    for (const auto& m : patch.GetObject()) {
        const auto name = std::string_view(m.name.GetString(), m.name.GetStringLength());
        if (last[name] != &m.value || m.value.IsNull()) continue;  // an earlier duplicate, or null: removed
        out.AddMember(rapidjson::Value(m.name, alloc), rapidjson::Value(m.value, alloc), alloc);
    }
    return serialize(out);
}

}  // namespace authd::json
