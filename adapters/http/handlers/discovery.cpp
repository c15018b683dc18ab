// What a downstream service needs to check authd's tokens on its own or ask authd about one: the JWK Set, the
// discovery document, and token introspection (RFC 7662).
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <utility>
#include <variant>

#include "adapters/http/responses.hpp"
#include "adapters/http/routes.hpp"
#include "adapters/json/json.hpp"
#include "core/common/encoding.hpp"

namespace authd::http {
namespace {

/// The public keys that verify access tokens. A symmetric key is never published: the set stays empty under HS256.
/// Caches may keep the set a while: a new key signs from its rotation on, and a token naming a kid the cache lacks is
/// the verifier's cue to fetch the set again; retired keys stay listed until their tokens have expired.
response jwks(services& s, exchange&) {
    auto res = json_response(200, s.jwks ? s.jwks() : std::string(R"({"keys":[]})"));
    res.set_header("Cache-Control", "public, max-age=300");
    return res;
}

/// Whether `host` can be a Host header's value (RFC 9110): a name of letters, digits, dots and hyphens, an IPv4
/// address, or an IPv6 address in brackets, then an optional port from 1 to 65535; nothing else.
bool plausible_host(std::string_view host) {
    if (host.empty() || host.size() > 255) return false;
    std::string_view port;
    if (host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        in6_addr v6{};
        if (inet_pton(AF_INET6, std::string(host.substr(1, close - 1)).c_str(), &v6) != 1) return false;
        const auto rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        port = rest.empty() ? rest : rest.substr(1);
        if (!rest.empty() && port.empty()) return false;
    } else {
        const auto colon = host.find(':');
        const auto name = host.substr(0, colon);
        if (name.empty() || !std::all_of(name.begin(), name.end(),
                                         [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }))
            return false;
        if (colon != std::string_view::npos) {
            port = host.substr(colon + 1);
            if (port.empty()) return false;
        }
    }
    if (port.empty()) return true;
    unsigned number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    return ec == std::errc{} && end == port.data() + port.size() && port.size() <= 5 && number >= 1 && number <= 65535;
}

/// Where authd is reached: APP_URL, or without it (development) the Host the caller used.
std::optional<std::string> public_url(const services& s, const request& req) {
    if (!s.discovery.public_url.empty()) return s.discovery.public_url;
    const auto host = req.find_header("Host");
    if (!host || !plausible_host(*host)) return std::nullopt;
    return "http://" + std::string(*host);
}

/// RFC 8414 metadata, served where OpenID Connect clients look too. Only what is true of authd: it issues tokens
/// through its own API rather than OAuth flows, so there is no authorization or token endpoint, no response or
/// grant type, and no ID token; a verifier learns the issuer, the key set, the algorithm and where to introspect.
response discovery(services& s, exchange& x) {
    const auto base = public_url(s, x.req);
    if (!base) return problem(x.req, http_problem::bad_request, "The Host header is missing or malformed.");
    json::writer w;
    w.begin_object()
        .field("issuer", s.discovery.issuer)
        .field("jwks_uri", *base + "/.well-known/jwks.json")
        .field("access_token_signing_alg_values_supported", std::vector<std::string>{s.discovery.algorithm});
    if (!s.discovery.introspection_clients.empty())
        w.field("introspection_endpoint", *base + "/oauth2/introspect")
            .field("introspection_endpoint_auth_methods_supported",
                   std::vector<std::string>{"client_secret_basic", "client_secret_post"});
    auto res = json_response(200, std::move(w.end_object()).str());
    // Built from the caller's Host without APP_URL: a shared cache must not hand one caller's answer to another.
    res.set_header("Cache-Control", s.discovery.public_url.empty() ? "no-store" : "public, max-age=300");
    return res;
}

/// An OAuth error answer (RFC 6749 section 5.2), the form introspection clients read.
response oauth_error(int status, std::string_view code, std::string_view description) {
    json::writer w;
    auto res = json_response(
        status,
        std::move(w.begin_object().field("error", code).field("error_description", description).end_object()).str());
    res.set_header("Cache-Control", "no-store");
    return res;
}

/// Standard base64 with padding (HTTP Basic), through the base64url decoder.
std::optional<std::string> base64_decode(std::string_view in) {
    if (in.size() % 4 != 0) return std::nullopt;
    std::string url(in);
    while (!url.empty() && url.back() == '=') url.pop_back();
    if (in.size() - url.size() > 2) return std::nullopt;
    for (char& c : url) {
        if (c == '-' || c == '_') return std::nullopt;
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return base64url_decode(url);
}

struct client_credentials {
    std::string id, secret;
    /// Basic as many tools send it: id and secret not form-encoded, so a '+' in a secret stays a '+'.
    std::optional<std::pair<std::string, std::string>> raw = {};
};

/// The caller's client id and secret: HTTP Basic (each part form-encoded, RFC 6749 section 2.3.1) or the form's
/// client_id and client_secret; nothing when neither or both are given.
std::optional<client_credentials> credentials_of(const request& req) {
    const auto header = req.find_header("Authorization");
    const auto form_id = req.form_param("client_id"), form_secret = req.form_param("client_secret");
    if (header) {
        if (form_secret) return std::nullopt;  // two ways at once: RFC 6749 allows one
        const std::string_view h = *header;
        if (h.size() < 6 || !std::equal(h.begin(), h.begin() + 6, "Basic ", [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return std::nullopt;
        const auto decoded = base64_decode(h.substr(6));
        if (!decoded) return std::nullopt;
        const auto colon = decoded->find(':');
        if (colon == std::string::npos) return std::nullopt;
        return client_credentials{url_decode(decoded->substr(0, colon)), url_decode(decoded->substr(colon + 1)),
                                  std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)}};
    }
    if (form_id && form_secret) return client_credentials{*form_id, *form_secret};
    return std::nullopt;
}

/// Whether the credentials are those of a configured client, form-decoded as RFC 6749 says or (HTTP Basic) as sent.
/// Every client is compared, each in constant time, so that the answer's timing does not tell which ids exist.
bool known_client(const services& s, const client_credentials& given) {
    bool found = false;
    for (const auto& c : s.discovery.introspection_clients) {
        found |= constant_time_equal(c.id, given.id) & constant_time_equal(c.secret, given.secret);
        if (given.raw)
            found |= constant_time_equal(c.id, given.raw->first) & constant_time_equal(c.secret, given.raw->second);
    }
    return found;
}

response inactive() {
    auto res = json_response(200, R"({"active":false})");
    res.set_header("Cache-Control", "no-store");
    return res;
}

response active(const services& s, const principal& caller) {
    json::writer w;
    w.begin_object()
        .field("active", true)
        .field("token_type", "Bearer")
        .field("sub", caller.id)
        .field("principal_type", to_string(caller.type))
        .field("sid", caller.session_id)
        .field("roles", caller.roles);
    std::string scope;
    for (const auto& r : caller.roles) scope += (scope.empty() ? "" : " ") + r;
    w.field("scope", scope)
        .field("iss", s.discovery.issuer)
        .field("iat", static_cast<std::int64_t>(caller.issued_at.time_since_epoch().count()))
        .field("exp", static_cast<std::int64_t>(caller.expires_at.time_since_epoch().count()));
    if (!s.discovery.audience.empty()) w.field("aud", s.discovery.audience);
    auto res = json_response(200, std::move(w.end_object()).str());
    res.set_header("Cache-Control", "no-store");
    return res;
}

/// What introspection decides without storage: who is asking, whether the form has a token, and whether the token's
/// signature and claims hold. Either the answer, or the token and claims whose session is left to look up.
std::variant<response, verified_token> check_introspection(services& s, exchange& x) {
    const auto given = credentials_of(x.req);
    if (!given || !known_client(s, *given)) {
        auto res = oauth_error(401, "invalid_client", "Client authentication failed.");
        res.set_header("WWW-Authenticate", "Basic realm=\"authd\"");
        return res;
    }
    auto token = x.req.form_param("token");
    if (!token || token->empty()) return oauth_error(400, "invalid_request", "The form has no token.");
    auto claims = x.verify(s.tokens, *token);
    if (!claims) return inactive();
    return verified_token{std::move(*token), std::move(claims.value())};
}

/// RFC 7662: whether an access token is live now, as validate decides it (a logout counts at once). Anything else
/// (a refresh token, an expired or forged token, a token of an ended session) is {"active":false}, which says no
/// more than that.
response introspect(services& s, exchange& x) {
    auto checked = check_introspection(s, x);
    if (auto* answer = std::get_if<response>(&checked)) return std::move(*answer);
    const auto caller = x.authenticate(s.tokens, std::move(std::get<verified_token>(checked).claims));
    return caller ? active(s, caller.value()) : inactive();
}

/// introspect on the network thread, like validate's fast path: a caller that is no client, a bad form and a token
/// that fails its signature or claims are answered here, so that a flood of them takes no worker; so is a live token
/// whose session the session view knows. Anything else goes on to introspect() on the workers.
std::optional<response> introspect_from_memory(services& s, exchange& x) {
    // Reading the form scans the body once per field: a body larger than any id, secret and token need is the
    // workers' to read, whose queue bounds the bytes it holds, not a network thread's.
    constexpr std::size_t largest_quick_form = 8 * 1024;
    if (x.req.body.size() > largest_quick_form) return std::nullopt;
    auto checked = check_introspection(s, x);
    if (auto* answer = std::get_if<response>(&checked)) return std::move(*answer);
    auto& verified = std::get<verified_token>(checked);
    const auto caller = s.tokens.authenticate_from_memory(verified.claims);
    if (!caller) {
        x.verified = std::move(verified);  // introspect() on a worker looks the session up without verifying again
        return std::nullopt;
    }
    return active(s, *caller);
}

}  // namespace

void add_discovery_routes(router& r, services& s) {
    const auto none = rate_class::none;
    r.add({.method = "GET", .path = "/.well-known/jwks.json", .limits = none, .handler = bind(s, jwks)});
    r.add({.method = "GET",
           .path = "/.well-known/openid-configuration",
           .pool = pool_kind::io_thread,
           .limits = none,
           .handler = bind(s, discovery)});
    r.add({.method = "GET",
           .path = "/.well-known/oauth-authorization-server",
           .pool = pool_kind::io_thread,
           .limits = none,
           .handler = bind(s, discovery)});
    // Not limited per IP, like validate: the services behind one gateway share its address. A client secret is at
    // least 32 bytes, which no rate of guesses reaches.
    r.add({.method = "POST",
           .path = "/oauth2/introspect",
           .body = body_kind::form,
           .limits = none,
           .handler = bind(s, introspect),
           .quick = [&s](exchange& x) { return introspect_from_memory(s, x); }});
}

}  // namespace authd::http
