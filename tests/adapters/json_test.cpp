// The JSON reader's limits: nesting refused past json::max_depth without recursion, and the preferences merge.
#include <catch2/catch.hpp>

#include <string>

#include "adapters/json/json.hpp"

using namespace authd;

namespace {
/// `{"a":{"a":…1…}}` with `depth` objects.
std::string nested_objects(int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += R"({"a":)";
    s += "1";
    s.append(static_cast<std::size_t>(depth), '}');
    return s;
}
}  // namespace

TEST_CASE("JSON nested up to max_depth parses, one level more is refused", "[json][limits]") {
    CHECK(json::object_reader::parse(nested_objects(json::max_depth)).has_value());
    CHECK_FALSE(json::object_reader::parse(nested_objects(json::max_depth + 1)).has_value());
    CHECK(json::compact(nested_objects(json::max_depth)).has_value());
    CHECK_FALSE(json::compact(nested_objects(json::max_depth + 1)).has_value());
    const std::string arrays = std::string(json::max_depth, '[') + std::string(json::max_depth, ']');
    CHECK(json::compact(arrays) == arrays);
    CHECK_FALSE(json::compact("[" + arrays + "]").has_value());
}

TEST_CASE("brackets inside strings do not count as nesting", "[json][limits]") {
    const std::string text = R"({"a":")" + std::string(1000, '[') + R"(\"{{{"})";
    const auto reader = json::object_reader::parse(text);
    REQUIRE(reader.has_value());
    validator v;
    CHECK(reader->string("a", v) == std::string(1000, '[') + "\"{{{");
}

TEST_CASE("a megabyte of open brackets is refused without exhausting the stack", "[json][limits]") {
    CHECK_FALSE(json::object_reader::parse(std::string(1 << 20, '[')).has_value());
    std::string objects;
    while (objects.size() < (1 << 20)) objects += R"({"a":)";
    CHECK_FALSE(json::object_reader::parse(objects).has_value());
    CHECK(json::merge_objects(R"({"k":1})", std::string(1 << 20, '[')) == R"({"k":1})");
    CHECK_FALSE(json::compact("]]]][[[[").has_value());
}

TEST_CASE("merge replaces and removes top-level members, the patch's last duplicate winning", "[json][preferences]") {
    CHECK(json::merge_objects(R"({"a":1,"b":2,"c":3})", R"({"b":null,"c":4,"d":{"x":[1]}})") ==
          R"({"a":1,"c":4,"d":{"x":[1]}})");
    CHECK(json::merge_objects(R"({"a":1})", R"({"a":2,"a":3})") == R"({"a":3})");
    CHECK(json::merge_objects(R"({"a":1})", R"({"a":2,"a":null})") == "{}");
    CHECK(json::merge_objects(R"({"a":1,"a":2})", R"({"a":5})") == R"({"a":5})");  // every duplicate of the base goes
    CHECK(json::merge_objects("not json", R"({"a":1})") == R"({"a":1})");
    CHECK(json::merge_objects(R"({"a":1})", "[1]") == R"({"a":1})");
}

TEST_CASE("a merge of ten thousand members each way stays linear", "[json][preferences]") {
    // Quadratic work here (a search of the base per patch member) would take seconds; this takes milliseconds.
    std::string base = "{", patch = "{";
    for (int i = 0; i < 10000; ++i) {
        base += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
        patch += (i ? "," : "") + std::string("\"k") + std::to_string(i * 2) + "\":null";
    }
    const auto merged = json::merge_objects(base + "}", patch + "}");
    CHECK(merged.find("\"k1\":1") != std::string::npos);
    CHECK(merged.find("\"k2\":") == std::string::npos);
    CHECK(merged.find("\"k9999\":9999") != std::string::npos);
}

TEST_CASE("a lone surrogate escape is refused, never stored as bytes that are no UTF-8", "[json][limits]") {
    CHECK_FALSE(json::compact(R"({"a":"\ude00"})").has_value());
    CHECK_FALSE(json::compact_object(R"({"a":["x","\udbff"]})").has_value());
    CHECK(json::compact(R"({"a":"\ud83d\ude00"})") == "{\"a\":\"\xF0\x9F\x98\x80\"}");  // a pair is one character
    CHECK_FALSE(json::object_reader::parse(R"({"name":"Ana \udc00"})").has_value());    // 400 malformed_json
    CHECK_FALSE(json::object_reader::parse(R"({"name":"\ud83d x"})").has_value());      // a high one alone too
    CHECK(json::object_reader::parse(R"({"name":"\\udc00 is text"})").has_value());     // an escaped backslash
}

TEST_CASE("a NUL byte anywhere is refused: RapidJSON would take it for the end of the text", "[json][limits]") {
    using namespace std::string_literals;
    CHECK(json::object_reader::parse(R"({"k":1})").has_value());
    CHECK_FALSE(json::object_reader::parse("{\"k\":1}\0 not JSON {{{"s).has_value());  // 400 malformed_json
    CHECK_FALSE(json::object_reader::parse("{\"k\":\"a\0b\"}"s).has_value());          // raw, inside a string
    CHECK_FALSE(json::object_reader::parse("\0{\"k\":1}"s).has_value());
    CHECK_FALSE(json::compact("{\"k\":1}\0{\"evil\":2}"s).has_value());  // preferences: never stored as {"k":1}
    CHECK_FALSE(json::compact_object("{\"k\":1}\0"s).has_value());
    CHECK(json::merge_objects(R"({"k":1})", "{\"k\":2}\0{\"k\":3}"s) == R"({"k":1})");  // a bad patch changes nothing
    CHECK(json::compact(R"({"k":"a\u0000b"})") == R"({"k":"a\u0000b"})");  // escaped, it is text like any other
}

TEST_CASE("number_text gives a top-level number as it was written, the first of duplicate keys", "[json][money]") {
    const auto reader = json::object_reader::parse(
        R"({"a":19.991,"b":9999999999999.991,"c":1E2,"d":-0.0,"e":20,"f":19.99,"f":20.5,"g":[1.005],"h":{"i":1.5}})");
    REQUIRE(reader.has_value());
    validator v;
    // 19.991 and 19.99 are different doubles, but 9999999999999.991 and 9999999999999.99 are one: only the text
    // tells that a third decimal was sent.
    CHECK(reader->number_text("a", v) == "19.991");
    CHECK(reader->number_text("b", v) == "9999999999999.991");
    CHECK(reader->number_text("c", v) == "1E2");
    CHECK(reader->number_text("d", v) == "-0.0");
    CHECK(reader->number_text("e", v) == "20");
    CHECK(reader->number_text("f", v) == "19.99");
    CHECK_FALSE(reader->number_text("g", v).has_value());  // an array is no number
    CHECK_FALSE(reader->number_text("h", v).has_value());
    CHECK(v.has("g"));
    CHECK(v.has("h"));
    const auto items = json::object_reader::parse(R"({"items":[{"p":9999999999999.991,"q":7}]})");
    REQUIRE(items.has_value());
    const auto inner = items->objects("items", v);
    REQUIRE(inner.has_value());
    REQUIRE(inner->size() == 1);
    // An object read out of another keeps no texts: the shortest text of its double.
    CHECK((*inner)[0].number_text("p", v) == "9999999999999.99");
    CHECK((*inner)[0].number_text("q", v) == "7");
}

TEST_CASE("numbers RapidJSON would misread are refused: a zero with an exponent or past 22 decimals, below 1e-307",
          "[json][limits]") {
    for (const char* zero : {"[0e300]", "[-0.0E-99]", "[0.000e5]", R"({"a":0E257})"}) CHECK_FALSE(json::compact(zero));
    const std::string decimals_22 = "0." + std::string(22, '0'), decimals_23 = "0." + std::string(23, '0');
    CHECK(json::compact("[" + decimals_22 + "]") == "[0.0]");
    CHECK_FALSE(json::compact("[" + decimals_23 + "]"));
    CHECK(json::compact("[-" + decimals_23 + "1e5]").has_value());  // not a zero: read
    CHECK(json::compact("[" + decimals_23 + "1]").has_value());
    // Below 1e-307, however written, is refused; down to it, read.
    CHECK_FALSE(json::compact("[0." + std::string(345, '0') + "112]"));
    CHECK_FALSE(json::compact("[1e-308]"));
    CHECK_FALSE(json::compact("[0.001e-306]"));
    CHECK(json::compact("[1e-307]").has_value());
    CHECK(json::compact("[0." + std::string(345, '0') + "1e345]") == "[0.1]");
    CHECK(json::compact("[1e300,0.5e-3,0,0.0,-0]") == "[1e300,0.0005,0,0.0,0]");
    CHECK(json::compact(R"({"e":"0e300 in a string"})").has_value());
}

TEST_CASE("numbers survive any number of re-serializations unchanged", "[json][preferences]") {
    const auto once = json::compact("[71E70,57E111,19.99,0.1,1e-7]");
    REQUIRE(once.has_value());
    CHECK(json::compact(*once) == once);
    CHECK(json::merge_objects(R"({"n":57E111})", "{}") ==
          json::merge_objects(json::merge_objects(R"({"n":57E111})", "{}"), "{}"));
}
