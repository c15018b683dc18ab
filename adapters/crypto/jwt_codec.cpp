#include "adapters/crypto/jwt_codec.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "adapters/crypto/sha256.hpp"
#include "core/common/encoding.hpp"

namespace authd::crypto {
namespace {

// The header is parsed before the signature is checked, so its nesting depth is
// the sender's choice: the iterative parser keeps that off the call stack.
constexpr unsigned parse_flags = rapidjson::kParseIterativeFlag;

/// A token's header or payload, parsed into buffers on the stack. Both are a few hundred bytes, and a plain
/// rapidjson::Document starts with a 64 KiB block: every token check allocated and freed two.
class token_json {
public:
    token_json() = default;
    token_json(const token_json&) = delete;  // the document points into this object's own buffers
    token_json& operator=(const token_json&) = delete;

    /// Decodes and parses one base64url part of a token; false unless it is a JSON object.
    bool parse(std::string_view base64url_part) {
        const auto text = authd::base64url_decode(base64url_part);
        if (!text) return false;
        document_.Parse<parse_flags>(text->data(), text->size());
        return !document_.HasParseError() && document_.IsObject();
    }
    const rapidjson::Value& object() const { return document_; }

private:
    using pool = rapidjson::MemoryPoolAllocator<>;
    // Beyond these, the pools take 4 KiB blocks from the heap: a large header costs an allocation, as before.
    // Aligned: each pool writes its block header (sizes, a pointer) at the start of its buffer.
    alignas(std::max_align_t) std::array<char, 2048> values_buffer_{};
    alignas(std::max_align_t) std::array<char, 1024> stack_buffer_{};
    pool values_{values_buffer_.data(), values_buffer_.size(), 4096};
    pool stack_{stack_buffer_.data(), stack_buffer_.size(), 4096};
    // The parser's stack starts at half its buffer: the pool keeps a header at the buffer's start.
    rapidjson::GenericDocument<rapidjson::UTF8<>, pool, pool> document_{&values_, stack_buffer_.size() / 2, &stack_};
};

std::optional<std::string> string_member(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
}

// NumericDate must be an integer here: sign() never writes fractions, and a
// float exp (or one beyond int64) is not something this codec made.
std::optional<std::int64_t> integer_member(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsInt64()) return std::nullopt;
    return it->value.GetInt64();
}

std::optional<std::vector<std::string>> string_array_member(const rapidjson::Value& object, const char* name) {
    const auto it = object.FindMember(name);
    if (it == object.MemberEnd() || !it->value.IsArray()) return std::nullopt;
    std::vector<std::string> out;
    out.reserve(it->value.Size());
    for (const auto& v : it->value.GetArray()) {
        if (!v.IsString()) return std::nullopt;
        out.emplace_back(v.GetString(), v.GetStringLength());
    }
    return out;
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view s) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string hs256_signature(std::string_view key, std::string_view signing_input) {
    return authd::base64url_encode(hmac_sha256(key, signing_input));
}

jwt_codec::jwt_codec(jws_keys& keys, jwt_settings settings) : keys_(keys), settings_(std::move(settings)) {}

std::string jwt_codec::sign(const access_claims& claims) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("iss");
    write_string(w, settings_.issuer);
    if (!settings_.audience.empty()) {
        w.Key("aud");
        write_string(w, settings_.audience);
    }
    w.Key("sub");
    write_string(w, claims.subject);
    w.Key("typ");
    write_string(w, to_string(claims.type));
    w.Key("sid");
    write_string(w, claims.session_id);
    w.Key("roles");
    w.StartArray();
    for (const auto& role : claims.roles) write_string(w, role);
    w.EndArray();
    w.Key("iat");
    w.Int64(claims.issued_at.time_since_epoch().count());
    w.Key("exp");
    w.Int64(claims.expires_at.time_since_epoch().count());
    w.Key("jti");
    write_string(w, claims.token_id);
    w.EndObject();

    const std::string payload = authd::base64url_encode(std::string_view(buffer.GetString(), buffer.GetSize()));
    auto done = keys_.sign([&](std::string_view kid) {
        rapidjson::StringBuffer header_buffer;
        rapidjson::Writer<rapidjson::StringBuffer> h(header_buffer);
        h.StartObject();
        h.Key("alg");
        write_string(h, keys_.algorithm());
        h.Key("typ");
        h.String("JWT");
        if (!kid.empty()) {
            h.Key("kid");
            write_string(h, kid);
        }
        h.EndObject();
        return authd::base64url_encode(std::string_view(header_buffer.GetString(), header_buffer.GetSize())) + "." +
               payload;
    });
    return std::move(done.input) + "." + authd::base64url_encode(done.bytes);
}

std::optional<access_claims> jwt_codec::verify(std::string_view token, time_point now) {
    const auto first_dot = token.find('.');
    if (first_dot == std::string_view::npos) return std::nullopt;
    const auto second_dot = token.find('.', first_dot + 1);
    if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos)
        return std::nullopt;

    token_json header_json;
    if (!header_json.parse(token.substr(0, first_dot))) return std::nullopt;
    const auto& header = header_json.object();
    // The algorithm is ours to fix, never the token's to choose: honouring the header is
    // what lets "none" and HS/RS key confusion through. Key-naming members are likewise ignored.
    if (string_member(header, "alg") != keys_.algorithm()) return std::nullopt;
    // No header extension is understood here, and RFC 7515 section 4.1.11 says to refuse any "crit".
    if (header.HasMember("crit")) return std::nullopt;
    std::string kid;
    if (header.HasMember("kid")) {
        auto named = string_member(header, "kid");
        if (!named || named->empty()) return std::nullopt;
        kid = std::move(*named);
    }

    const auto signature = authd::base64url_decode(token.substr(second_dot + 1));
    if (!signature || !keys_.verify(kid, token.substr(0, second_dot), *signature)) return std::nullopt;

    // Only an authentic payload gets this far; the checks below are about validity, not forgery.
    token_json payload;
    if (!payload.parse(token.substr(first_dot + 1, second_dot - first_dot - 1))) return std::nullopt;
    const auto& claims = payload.object();
    const std::int64_t now_s = now.time_since_epoch().count(), leeway = settings_.leeway.count();

    if (string_member(claims, "iss") != settings_.issuer) return std::nullopt;
    if (!settings_.audience.empty() && string_member(claims, "aud") != settings_.audience) return std::nullopt;
    const auto exp = integer_member(claims, "exp");
    if (!exp || *exp <= now_s - leeway) return std::nullopt;
    if (claims.HasMember("nbf")) {
        const auto nbf = integer_member(claims, "nbf");
        if (!nbf || *nbf > now_s + leeway) return std::nullopt;
    }
    const auto iat = integer_member(claims, "iat");
    if (iat && *iat > now_s + leeway) return std::nullopt;  // issued in the future: not a token this service made
    const auto typ = string_member(claims, "typ");
    const auto type = typ ? parse_principal_type(*typ) : std::nullopt;
    auto sub = string_member(claims, "sub");
    auto sid = string_member(claims, "sid");
    auto jti = string_member(claims, "jti");
    auto roles = string_array_member(claims, "roles");
    if (!iat || !type || !sub || !sid || !jti || !roles) return std::nullopt;

    access_claims out;
    out.subject = std::move(*sub);
    out.type = *type;
    out.session_id = std::move(*sid);
    out.roles = std::move(*roles);
    out.issued_at = time_point{seconds{*iat}};
    out.expires_at = time_point{seconds{*exp}};
    out.token_id = std::move(*jti);
    return out;
}

}  // namespace authd::crypto
