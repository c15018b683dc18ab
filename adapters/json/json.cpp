#include "adapters/json/json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <unordered_map>

namespace authd::json {
namespace {
// Iterative: RapidJSON's default parser recurses once per nesting level, so a body of "[[[[…" would overflow the
// C stack. Every document authd parses also passes acceptable_text(), so that the recursive walks done on parsed
// values later (serializing, copying) stay shallow. Numbers as text: number_reader converts them.
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;

/// The value of the four hex digits at text[i], or -1.
int hex4(std::string_view text, std::size_t i) {
    if (i + 4 > text.size()) return -1;
    int v = 0;
    for (std::size_t k = i; k < i + 4; ++k) {
        const char c = text[k];
        const int d = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/// False for a zero with an exponent ("0e300", "-0.0E-99") or more than 22 decimals, and for a number below 1e-307.
/// RapidJSON 1.1.0's full-precision conversion had undefined behaviour on such numbers (found by tests/fuzz/json_body);
/// number_reader no longer uses it; they are still refused, as nobody sends them to authd. Reads the
/// number as RapidJSON does, by JSON's grammar (what follows it is another token), and moves `i` to its last
/// character.
bool acceptable_number(std::string_view text, std::size_t& i) {
    constexpr int fast_path_decimals = 22;
    constexpr long smallest_magnitude = -307;  // a normal double's smallest power of ten
    const auto at = [&](std::size_t k, auto... chars) { return k < text.size() && ((text[k] == chars) || ...); };
    const auto digit = [&](std::size_t k) { return k < text.size() && text[k] >= '0' && text[k] <= '9'; };
    std::size_t k = i;
    bool nonzero = false;
    long magnitude = -1;  // the power of ten of the first significant digit, once there is one
    if (at(k, '-')) ++k;
    if (at(k, '0')) {
        ++k;  // a leading 0 is the whole integer part
    } else {
        for (; digit(k); ++k) {
            nonzero = true;  // 1-9, then any digits
            magnitude = std::min(magnitude + 1, 100000L);
        }
    }
    int decimals = 0;
    if (at(k, '.'))
        for (++k; digit(k); ++k) {
            ++decimals;
            if (!nonzero && text[k] != '0') {
                nonzero = true;
                magnitude = -decimals;
            }
        }
    const bool exponent = at(k, 'e', 'E');
    if (exponent) {
        ++k;
        const bool negative = at(k, '-');
        if (at(k, '+', '-')) ++k;
        long value = 0;
        for (; digit(k); ++k) value = std::min(value * 10 + (text[k] - '0'), 100000L);
        magnitude += negative ? -value : value;
    }
    i = k - 1;  // at least the '-' or the first digit was read
    if (!nonzero) return !exponent && decimals <= fast_path_decimals;
    return magnitude >= smallest_magnitude;
}

/// What RapidJSON lets through and authd must not: arrays and objects nested deeper than max_depth, a number authd
/// refuses (acceptable_number), a lone low-surrogate escape ("\udc00", read as bytes that are no UTF-8; found by
/// tests/fuzz/json_body), and a NUL byte, which valid JSON never holds (a string escapes it) and RapidJSON takes for
/// the end of the text: `{"k":1}` NUL `garbage` would read as `{"k":1}`. One pass, no recursion; it needs no valid
/// JSON (the parser judges the rest).
bool acceptable_text(std::string_view text) {
    if (text.find('\0') != std::string_view::npos) return false;
    int depth = 0;
    bool in_string = false;
    bool after_high_surrogate = false;  // the previous character of the string was a "\ud800"-"\udbff" escape
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
            } else if (c == '\\' && i + 1 < text.size()) {
                const int unit = text[i + 1] == 'u' ? hex4(text, i + 2) : -1;
                const bool low = unit >= 0xDC00 && unit <= 0xDFFF;
                if (low && !after_high_surrogate) return false;
                after_high_surrogate = unit >= 0xD800 && unit <= 0xDBFF;
                i += unit >= 0 ? 5 : 1;
                continue;
            }
            after_high_surrogate = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!acceptable_number(text, i)) return false;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if ((c == ']' || c == '}') && --depth < 0) {
            return false;  // a closing bracket with nothing open: not JSON either
        }
    }
    return true;
}

/// Builds a document from RapidJSON's reader as Document::Parse does, but reads its numbers with the standard
/// library, which rounds correctly: RapidJSON 1.1.0's default conversion may read a number one bit off (stored
/// preferences would drift with every re-save), and its full-precision one has undefined behaviour on some digit
/// strings (a zero significand handed to __builtin_clzll, a table of powers read out of bounds; all found by
/// tests/fuzz/json_body). Integers keep RapidJSON's types: 64-bit when they fit, else a double.
class number_reader {
public:
    /// `top_level_numbers`, when given, receives the text of each number that is a member of the document's top-level
    /// object, under its key (the first of duplicate keys, as FindMember finds): the digits as sent.
    explicit number_reader(rapidjson::Document& doc,
                           std::unordered_map<std::string, std::string>* top_level_numbers = nullptr)
        : doc_(doc), top_level_numbers_(top_level_numbers) {}
    bool Null() { return doc_.Null(); }
    bool Bool(bool b) { return doc_.Bool(b); }
    bool Int(int i) { return doc_.Int(i); }
    bool Uint(unsigned u) { return doc_.Uint(u); }
    bool Int64(std::int64_t i) { return doc_.Int64(i); }
    bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
    bool Double(double d) { return doc_.Double(d); }
    bool RawNumber(const char* str, rapidjson::SizeType length, bool /*copy*/) {
        if (top_level_numbers_ && depth_ == 1 && top_is_object_) top_level_numbers_->try_emplace(key_, str, length);
        const char* end = str + length;
        if (std::string_view(str, length).find_first_of(".eE") == std::string_view::npos) {
            if (*str == '-') {
                std::int64_t i = 0;
                if (const auto [at, ec] = std::from_chars(str, end, i); ec == std::errc{} && at == end) return Int64(i);
            } else {
                std::uint64_t u = 0;
                if (const auto [at, ec] = std::from_chars(str, end, u); ec == std::errc{} && at == end)
                    return Uint64(u);
            }
        }
        double d = 0;
        const auto [at, ec] = std::from_chars(str, end, d);
        if (ec == std::errc::result_out_of_range) return false;  // past a double's range either way: refused
        return ec == std::errc{} && at == end && Double(d);
    }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
    bool StartObject() {
        if (depth_++ == 0) top_is_object_ = true;
        return doc_.StartObject();
    }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) {
        if (top_level_numbers_ && depth_ == 1) key_.assign(s, n);
        return doc_.Key(s, n, copy);
    }
    bool EndObject(rapidjson::SizeType members) {
        --depth_;
        return doc_.EndObject(members);
    }
    bool StartArray() {
        ++depth_;
        return doc_.StartArray();
    }
    bool EndArray(rapidjson::SizeType elements) {
        --depth_;
        return doc_.EndArray(elements);
    }

private:
    rapidjson::Document& doc_;
    std::unordered_map<std::string, std::string>* top_level_numbers_;
    int depth_ = 0;
    bool top_is_object_ = false;
    std::string key_;  // the top-level object's member being read
};

bool parse_document(rapidjson::Document& doc, std::string_view text,
                    std::unordered_map<std::string, std::string>* top_level_numbers = nullptr) {
    if (!acceptable_text(text)) return false;
    bool parsed = false;
    auto generate = [&](rapidjson::Document& into) {
        rapidjson::MemoryStream bytes(text.data(), text.size());
        rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
        number_reader numbers(into, top_level_numbers);
        rapidjson::Reader reader;
        parsed = !reader.Parse<parse_flags>(in, numbers).IsError();
        return parsed;
    };
    doc.Populate(generate);
    return parsed;
}
}  // namespace

struct object_reader::impl {
    rapidjson::Document doc;
    /// The numbers among the top-level members as they were written; empty for an object read out of another.
    std::unordered_map<std::string, std::string> number_texts;

    const rapidjson::Value* member(std::string_view key) const {
        const auto it = doc.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
        if (it == doc.MemberEnd() || it->value.IsNull()) return nullptr;
        return &it->value;
    }
};

object_reader::object_reader(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
object_reader::object_reader(object_reader&&) noexcept = default;
object_reader& object_reader::operator=(object_reader&&) noexcept = default;
object_reader::~object_reader() = default;

std::optional<object_reader> object_reader::parse(std::string_view text) {
    auto p = std::make_unique<impl>();
    // kParseStopWhenDoneFlag is off, so trailing garbage fails.
    if (!parse_document(p->doc, text, &p->number_texts) || !p->doc.IsObject()) return std::nullopt;
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
            if (!e.IsString()) break;
            const std::string_view item(e.GetString(), e.GetStringLength());
            if (has_control_characters(item)) break;
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
    // The digits as sent: a double would round 19.991 to whatever prints as 19.99 when the two are one double.
    if (const auto sent = impl_->number_texts.find(std::string(key)); sent != impl_->number_texts.end())
        return sent->second;
    if (m->IsInt64()) return std::to_string(m->GetInt64());
    if (m->IsUint64()) return std::to_string(m->GetUint64());
    // An object read out of another keeps no texts. RapidJSON's Writer prints a double in its shortest round-trip
    // form (Grisu2): 19.99 stays "19.99".
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
writer& writer::begin_object() {
    impl_->w.StartObject();
    return *this;
}
writer& writer::end_object() {
    impl_->w.EndObject();
    return *this;
}
writer& writer::begin_array() {
    impl_->w.StartArray();
    return *this;
}
writer& writer::end_array() {
    impl_->w.EndArray();
    return *this;
}
writer& writer::key(std::string_view k) {
    impl_->w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    return *this;
}
writer& writer::value(std::string_view s) {
    impl_->w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return *this;
}
writer& writer::value(std::int64_t n) {
    impl_->w.Int64(n);
    return *this;
}
writer& writer::value(bool b) {
    impl_->w.Bool(b);
    return *this;
}
writer& writer::null() {
    impl_->w.Null();
    return *this;
}
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
/// Nothing when a string of the document is no UTF-8. acceptable_text() already refuses the one way RapidJSON lets
/// such bytes in (a lone "\udc00"); this keeps any other from reaching storage, where it must parse again.
std::optional<std::string> serialize_valid(const rapidjson::Value& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                      rapidjson::kWriteValidateEncodingFlag>
        w(buffer);
    if (!v.Accept(w)) return std::nullopt;
    return std::string(buffer.GetString(), buffer.GetSize());
}

/// For documents that passed serialize_valid() before (stored ones, and merges of them).
std::string serialize(const rapidjson::Value& v) { return serialize_valid(v).value_or("{}"); }
}  // namespace

std::optional<std::string> compact(std::string_view text) {
    rapidjson::Document doc;
    if (!parse_document(doc, text)) return std::nullopt;
    return serialize_valid(doc);
}

std::optional<std::string> compact_object(std::string_view text) {
    rapidjson::Document doc;
    if (!parse_document(doc, text) || !doc.IsObject()) return std::nullopt;
    return serialize_valid(doc);
}

namespace {
bool holds_nul(const rapidjson::Value& v) {
    const auto has_nul = [](const rapidjson::Value& s) {
        return std::string_view(s.GetString(), s.GetStringLength()).find('\0') != std::string_view::npos;
    };
    if (v.IsString()) return has_nul(v);
    if (v.IsArray())
        return std::any_of(v.Begin(), v.End(), [](const rapidjson::Value& item) { return holds_nul(item); });
    if (v.IsObject())
        for (const auto& m : v.GetObject())
            if (has_nul(m.name) || holds_nul(m.value)) return true;
    return false;
}
}  // namespace

bool holds_nul(std::string_view text) {
    rapidjson::Document doc;
    return parse_document(doc, text) && holds_nul(doc);
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
