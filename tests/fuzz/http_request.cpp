// Fuzzes the request path as the server drives it, minus the socket: bytes -> the server's request reader
// (adapters/http/request_reader.hpp: Beast's parser and the rules around it; 1 MiB body, 8 KiB headers) ->
// to_request (adapters/http/beast_request.hpp) -> the pipeline (adapters/http/pipeline.hpp: request id, CORS,
// routing, Content-Type, bearer tokens, roles, rate limits, worker pools) -> handlers that read bodies with the
// project's JSON reader. Several requests per input, as on a keep-alive connection; a failure gets the server's
// protocol_error answer and ends the input.
// Proves, for any bytes: no crash, leak, memory error or undefined behaviour anywhere on that path; respond is
// called exactly once per request (twice: future_error ends the process; never: the input times out); every
// response has a status of 100-599, a request id and the security headers, and its bytes on the wire read back as
// that one response; every error response is a JSON problem; a failure is answered 400, 413, 431 or 501, or not at
// all; the input cut into reads of 1 to 64 bytes reads as the same requests and failures as when it comes whole
// (the reads a slow or hostile peer makes), with the server's limits and with small ones that a few KiB reach; and a
// request left unanswered at the peer's end is one its bytes do not complete. (Races are scripts/tsan's: ASan does
// not see them.)
//
// The seeds of corpus/http_request/ carry bearer tokens of the two sessions made below. They are made the same
// at every start (fake clock, counting random), so that the fuzzer starts past the 401s. FUZZ_VERBOSE=1 prints
// them, should the token format change, and each response's status and problem code (to check what seeds reach).
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/crypto/jwt_codec.hpp"
#include "adapters/http/beast_request.hpp"
#include "adapters/http/body.hpp"
#include "adapters/http/log.hpp"
#include "adapters/http/pipeline.hpp"
#include "adapters/http/request_reader.hpp"
#include "adapters/http/response_bytes.hpp"
#include "tests/fuzz/check.hpp"
#include "tests/support/fakes.hpp"

namespace http = authd::http;
namespace bhttp = boost::beast::http;

namespace {

http::response echo(const std::string& body) { return http::json_response(200, body); }

/// A few routes of each kind the real table has: open, credential-limited on the slow pool, authenticated,
/// role- and principal-restricted, with :params, reading bodies, throwing.
http::router routes() {
    using http::exchange, http::response, http::body_kind;
    const http::access_rule signed_in{true};
    const http::access_rule admin{true, {"admin"}};
    const http::access_rule agents{true, {}, authd::principal_type::agent};
    const auto json = body_kind::json_object;
    http::router r;
    r.add({.method = "GET", .path = "/health", .limits = http::rate_class::none, .handler = [](exchange&) {
               return echo(R"({"status":"ok"})");
           }});
    r.add({.method = "POST",
           .path = "/api/auth/login",
           .pool = http::pool_kind::hashing,
           .body = json,
           .limits = http::rate_class::credential,
           .metric = "login",
           .handler = [](exchange& x) {
               (void)x.required_string("email");
               (void)x.required_string("password");
               (void)x.string("totp_code");
               if (!x.found.ok()) return http::problem_from(x.req, x.found.to_failure());
               return echo(R"({"access_token":"x","token_type":"Bearer"})");
           }});
    r.add({.method = "GET", .path = "/api/events", .access = signed_in, .handler = [](exchange& x) {
               (void)http::query_integer(x.req, "page", x.found);
               (void)http::query_integer(x.req, "size", x.found);
               (void)http::query_bool(x.req, "mine", x.found);
               (void)http::query_value(x.req, "status");
               if (!x.found.ok()) return http::problem_from(x.req, x.found.to_failure());
               return echo(R"({"items":[]})");
           }});
    r.add({.method = "PUT", .path = "/api/events/:eventId", .access = admin, .body = json, .handler = [](exchange& x) {
               if (!http::path_id(x.req, "eventId"))
                   return http::problem_from(x.req, authd::fail(authd::errc::not_found));
               (void)x.required_string("title");
               (void)x.strings("tags");
               (void)x.body->integer("capacity", x.found);
               (void)x.boolean("public");
               if (!x.found.ok()) return http::problem_from(x.req, x.found.to_failure());
               return echo(R"({"id":1})");
           }});
    r.add({.method = "PATCH",
           .path = "/api/auth/preferences",
           .access = signed_in,
           .body = body_kind::json_text,
           .handler = [](exchange& x) {
               const auto patch = authd::json::compact_object(x.req.body.empty() ? "{}" : x.req.body);
               if (!patch) return http::problem(x.req, http::http_problem::malformed_json);
               return echo(authd::json::merge_objects(R"({"theme":"dark","lang":"en"})", *patch));
           }});
    r.add({.method = "POST",
           .path = "/api/products/:id/prices",
           .access = admin,
           .body = json,
           .handler = [](exchange& x) {
               (void)x.body->number_text("price", x.found);
               if (const auto items = x.body->objects("items", x.found))
                   for (const auto& item : *items) (void)item.number_text("price", x.found);
               if (!x.found.ok()) return http::problem_from(x.req, x.found.to_failure());
               return echo(R"({"ok":true})");
           }});
    r.add({.method = "GET", .path = "/api/v1/agents/me", .access = agents, .handler = [](exchange& x) {
               return echo("\"" + x.who().id + "\"");
           }});
    r.add({.method = "GET",
           .path = "/health/live",
           .pool = http::pool_kind::io_thread,
           .limits = http::rate_class::none,
           .handler = [](exchange&) { return echo(R"({"status":"ok"})"); }});
    r.add({.method = "GET", .path = "/api/boom/:kind", .handler = [](exchange& x) -> response {
               if (x.req.path_param("kind") == "db") throw authd::storage_unavailable("fuzz: no database");
               throw std::runtime_error("fuzz: a handler's bug");
           }});
    return r;
}

/// Fixed windows as memory_rate_limiter counts them, but one window per input, so that every input starts with
/// fresh budgets and replays alone as it ran. (memory_rate_limiter.cpp itself does not compile with clang 14:
/// its lambda captures a structured binding, which clang supports from version 16.)
class per_input_limiter final : public authd::rate_limiter {
public:
    authd::rate_decision hit(std::string_view key, int limit, authd::seconds, authd::time_point) override {
        std::lock_guard lock(mutex_);
        const int count = ++counts_[std::string(key)];
        return {count <= limit, limit, std::max(0, limit - count), authd::seconds{60}, false};
    }
    std::string_view health() const override { return "ok"; }
    void next_input() {
        std::lock_guard lock(mutex_);
        counts_.clear();
    }

private:
    std::mutex mutex_;
    std::map<std::string, int, std::less<>> counts_;
};

struct app {
    authd::test::fake_clock clock;
    authd::test::counting_random rng;
    authd::test::fake_digest digest;
    authd::test::memory_store store;
    authd::crypto::jwt_hs256 codec{"fuzz-secret-0123456789abcdef-0123456789abcdef", "https://authd.fuzz.test"};
    authd::token_service tokens{store, codec, digest, rng, clock, authd::token_settings{}};  // the clock stands still
    per_input_limiter limits;
    http::metrics stats;
    std::string admin_token = session("u-admin", authd::principal_type::user, {"admin"});
    std::string agent_token = session("a-agent", authd::principal_type::agent, {"agent"});
    // Small pools, a credential limit of three per IP (a few pipelined logins reach 429), CORS for one origin, and the
    // peer trusted as a proxy, so that any X-Forwarded-For the input holds is read.
    http::pipeline pipe{routes(),
                        tokens,
                        limits,
                        stats,
                        clock,
                        http::pipeline_options{.worker_threads = 2,
                                               .worker_queue = 8,
                                               .hashing_threads = 1,
                                               .hashing_queue = 4,
                                               .rate_limit_per_minute = 1000,
                                               .auth_rate_limit_per_minute = 3,
                                               .cors_origins = {"https://app.example.test"},
                                               // The fuzzer's peer is a trusted proxy: X-Forwarded-For is parsed.
                                               .proxies = http::trusted_proxies::parse("203.0.113.0/24, 10.0.0.0/8")}};

    std::string session(const std::string& id, authd::principal_type type, std::vector<std::string> roles) {
        std::string token;
        store.write([&](authd::repositories& repos) {
            token = tokens.start_session(repos, id, type, roles, {"fuzz", "192.0.2.1"}).access_token;
        });
        return token;
    }
};

const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;

app& the_app() {
    static app* a = [] {
        http::set_access_log(false);  // a line per request would drown the fuzzer's output
        auto* made = new app;         // never destroyed: the pools' threads live as long as the process
        if (verbose)
            std::fprintf(stderr, "admin token: %s\nagent token: %s\n", made->admin_token.c_str(),
                         made->agent_token.c_str());
        return made;
    }();
    return *a;
}

void check_response(const http::response& res) {
    if (verbose) std::fprintf(stderr, "response %d %s\n", res.status, res.problem_code.c_str());
    FUZZ_CHECK(res.status >= 100 && res.status <= 599);
    const auto id = res.find_header("X-Request-Id");
    FUZZ_CHECK(id && !id->empty());
    FUZZ_CHECK(res.find_header("X-Content-Type-Options").has_value());
    FUZZ_CHECK(res.find_header("Content-Security-Policy").has_value());
    if (res.status >= 400) FUZZ_CHECK(authd::json::object_reader::parse(res.body).has_value());
    // On the wire (adapters/http/response_bytes.hpp) it is one whole response, read back as it was sent: no header
    // value split it, and the length frames the body.
    std::string wire;
    http::write_response(http::response(res), {}, wire);
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    const auto used = parser.put(boost::asio::buffer(wire), ec);
    FUZZ_CHECK(!ec && parser.is_done() && used == wire.size());
    FUZZ_CHECK(parser.get().result_int() == static_cast<unsigned>(res.status));
    if (res.status >= 200 && res.status != 204 && res.status != 304) FUZZ_CHECK(parser.get().body() == res.body);
}

/// What reading a request came to, to compare two readings of one input: its method, target, fields, body and
/// keep-alive, or the status of the failure that ended the input (0: closed without an answer).
struct outcome {
    std::string request;
    int failure = 0;
    bool unended_line = false;  // the failure was a chunk's line or trailers unended past the limit
    bool operator==(const outcome&) const = default;
};

outcome outcome_of(const http::request_reader::message& m) {
    std::string fields;
    for (const auto& f : m) {
        const auto name = f.name_string();
        const auto value = f.value();
        fields.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\n");
    }
    return {std::string(m.method_string()) + " " + std::string(m.target()) + "\n" + fields + "\n" + m.body() +
                (http::request_reader::keeps_alive(m) ? "" : "\n(close)"),
            0, false};
}

/// Whether Beast's parser, given `bytes` in one call with no limits, reads a whole request out of them.
bool completes(std::string_view bytes) {
    while (bytes.starts_with('\n') || bytes.starts_with("\r\n")) bytes.remove_prefix(bytes.front() == '\n' ? 1 : 2);
    bhttp::request_parser<bhttp::string_body> plain;
    plain.eager(true);
    plain.header_limit(std::numeric_limits<std::uint32_t>::max());
    plain.body_limit(std::numeric_limits<std::uint64_t>::max());
    boost::beast::error_code ec;
    plain.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    return plain.is_done();
}

/// Reads the requests of `input` as a connection's reads would bring them: in reads whose sizes `next_read` gives,
/// the peer stopping after the last. Each request read goes to `on_request`; reading ends at a failure or after a
/// request that ends its connection, as the server's does. A request left unanswered at the peer's end must be one
/// that its bytes do not complete: the reader never waits for bytes it has.
template <class NextRead, class OnRequest>
std::vector<outcome> read_requests(std::string_view input, http::request_reader::limits limits, NextRead next_read,
                                   OnRequest on_request) {
    http::request_reader reader(limits);
    boost::beast::flat_buffer in;
    std::size_t fed = 0;
    std::vector<outcome> outcomes;
    while (outcomes.size() < 8) {
        reader.begin(in);
        const auto start = fed - in.size();
        auto step = reader.parse(in);
        while (step == http::request_reader::progress::more || step == http::request_reader::progress::header) {
            if (step == http::request_reader::progress::more) {
                if (fed == input.size()) {
                    // The peer stops sending: nothing to say if no request had begun.
                    if (!reader.received_any(in)) return outcomes;
                    FUZZ_CHECK(!completes(input.substr(start)));
                    step = reader.read_failed(boost::asio::error::eof);
                    break;
                }
                const auto n = std::min(next_read(), input.size() - fed);
                boost::asio::buffer_copy(in.prepare(n), boost::asio::buffer(input.data() + fed, n));
                in.commit(n);
                fed += n;
            }
            step = reader.parse(in);
        }
        if (step == http::request_reader::progress::failed) {
            outcomes.push_back({"", reader.failure().value_or(0), reader.unended_line()});
            return outcomes;
        }
        auto m = reader.take();
        outcomes.push_back(outcome_of(m));
        const bool keep_alive = http::request_reader::keeps_alive(m);
        on_request(std::move(m));
        if (!keep_alive) return outcomes;
    }
    return outcomes;
}

/// Whether the input read whole and cut into reads came to the same requests and the same end. They may end apart in
/// two ways:
/// - A chunk's line or trailers still unended past the limit are 400 when cut (request_reader.hpp), and may be read
///   when a read brings them whole.
/// - A request that can never be read may be refused for another reason, or left unanswered at the peer's end
///   (checked by read_requests), depending on the cuts: Beast 1.74 parses the fields only once it has seen their end
///   after a call that did not, leaves the last bytes of a malformed chunked body for more, and reads a malformed
///   chunk line differently in pieces.
bool same_reading(const std::vector<outcome>& whole, const std::vector<outcome>& cut) {
    for (std::size_t i = 0; i < std::max(whole.size(), cut.size()); ++i) {
        if (i + 1 == cut.size() && cut[i].unended_line) return true;
        if (i >= whole.size() || i >= cut.size()) return false;
        if (whole[i] == cut[i]) continue;
        return i + 1 == whole.size() && i + 1 == cut.size() && whole[i].request.empty() && cut[i].request.empty();
    }
    return true;
}

/// Read sizes of 1 to 64 bytes, the same for the same input (a replayed input is cut as it was).
class cuts {
public:
    explicit cuts(std::string_view input) {
        for (const char c : input) state_ = (state_ ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    }
    std::size_t operator()() {
        state_ ^= state_ << 13;
        state_ ^= state_ >> 7;
        state_ ^= state_ << 17;
        return 1 + state_ % 64;
    }

private:
    std::uint64_t state_ = 14695981039346656037ULL;  // FNV-1a's offset basis: an empty input is cut too
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    app& a = the_app();
    a.limits.next_input();
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // As it came whole in one read: each request through the pipeline, each failure answered by protocol_error.
    const http::request_reader::limits limits{.max_body_bytes = 1 << 20, .max_header_bytes = 8192};
    const auto whole = read_requests(
        input, limits, [&] { return input.size(); },
        [&a](http::request_reader::message&& m) {
            std::promise<http::response> answer;
            auto future = answer.get_future();
            // A second call would throw future_error on a worker thread: std::terminate, a crash the fuzzer keeps.
            a.pipe.handle(http::to_request(std::move(m), "203.0.113.9"),
                          [&answer](http::response res) { answer.set_value(std::move(res)); });
            check_response(future.get());
        });
    if (!whole.empty() && whole.back().failure != 0) {
        const int status = whole.back().failure;
        FUZZ_CHECK(status == 400 || status == 413 || status == 431 || status == 501);
        const auto res = a.pipe.protocol_error(status, "203.0.113.9");
        FUZZ_CHECK(res.status == status);
        check_response(res);
    }
    const auto ignore = [](http::request_reader::message&&) {};
    // Cut into reads of any size, it reads the same.
    const auto cut = read_requests(input, limits, cuts(input), ignore);
    // And so with limits that inputs of a few KiB reach: 256 bytes of headers, 2 KiB of body.
    const http::request_reader::limits small{.max_body_bytes = 2048, .max_header_bytes = 256};
    const auto small_whole = read_requests(
        input, small, [&] { return input.size(); }, ignore);
    const auto small_cut = read_requests(input, small, cuts(input), ignore);
    if (verbose)
        for (const auto& [name, reading] : {std::pair{"whole", &whole}, std::pair{"cut", &cut},
                                            std::pair{"small whole", &small_whole}, std::pair{"small cut", &small_cut}})
            for (const auto& o : *reading) std::fprintf(stderr, "%s: %d %s\n", name, o.failure, o.request.c_str());
    FUZZ_CHECK(same_reading(whole, cut));
    FUZZ_CHECK(same_reading(small_whole, small_cut));
    return 0;
}
