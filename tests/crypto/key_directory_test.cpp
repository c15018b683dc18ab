// JWT_SIGNING_KEYS_DIR: keys an operator manages as PEM files. The private key named last signs, earlier ones and
// public-only files verify, a new file is a rotation at the next reading, and a directory that cannot serve stops
// the start with a message naming the file.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/crypto/jwt_codec.hpp"
#include "adapters/crypto/key_directory.hpp"
#include "core/common/encoding.hpp"
#include "tests/crypto/sample_claims.hpp"

using namespace authd;
using namespace authd::crypto;
namespace fs = std::filesystem;

namespace {
const time_point now = test::claims_now;
using test::sample_claims;

/// A fresh directory, removed at the end of the test.
struct key_dir {
    fs::path path = fs::temp_directory_path() /
                    ("authd-keydir-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    key_dir() { fs::create_directories(path); }
    ~key_dir() { fs::remove_all(path); }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
    /// A new key pair as the operator would make it: `<kid>.pem`, or only its public half as `<kid>.pub.pem`.
    void add(const std::string& kid, const std::string& alg, bool public_only = false) const {
        const auto pair = openssl_key_pair_maker().make(alg);
        write(kid + (public_only ? ".pub.pem" : ".pem"), public_only ? pair.public_pem : pair.private_pem);
    }
};

std::string kid_of(const std::string& token) {
    const auto header = base64url_decode(token.substr(0, token.find('.'))).value_or("");
    const auto at = header.find("\"kid\":\"") + 7;
    return header.substr(at, header.find('"', at) - at);
}

std::string message_of(const std::string& dir) {
    try {
        read_key_directory(dir);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST_CASE("the private key whose file name sorts last signs, and every key of the directory verifies",
          "[crypto][key_directory]") {
    const std::string alg = GENERATE(as<std::string>{}, "EdDSA", "ES256", "RS256");
    key_dir dir;
    dir.add("2026-11-01", alg);
    dir.write("README.txt", "not a key: ignored");
    key_ring ring(alg, [&] { return read_key_directory(dir.path.string()); });
    ring.reload();
    jwt_codec codec(ring, jwt_settings{"https://authd.example.test"});
    const auto first = codec.sign(sample_claims());
    CHECK(kid_of(first) == "2026-11-01");
    CHECK(ring.jwks_json().find(R"("kid":"2026-11-01")") != std::string::npos);

    // A rotation: a newer file, and an older key kept as its public half only.
    dir.add("2026-12-01", alg);
    dir.add("2026-10-01", alg, true);
    ring.reload();
    const auto second = codec.sign(sample_claims());
    CHECK(kid_of(second) == "2026-12-01");
    CHECK(codec.verify(first, now));
    CHECK(codec.verify(second, now));
    const auto jwks = ring.jwks_json();
    for (const auto* kid : {"2026-10-01", "2026-11-01", "2026-12-01"})
        CHECK(jwks.find(std::string(R"("kid":")") + kid + '"') != std::string::npos);
    CHECK(jwks.find(R"("d":)") == std::string::npos);

    // The old key's file removed: its tokens stop verifying at the next reading.
    fs::remove(dir.path / "2026-11-01.pem");
    ring.reload();
    CHECK_FALSE(codec.verify(first, now));
    CHECK(codec.verify(second, now));
}

TEST_CASE("a key directory that cannot serve is refused with a message naming the problem", "[crypto][key_directory]") {
    key_dir dir;
    CHECK(message_of(dir.path.string()).find("holds no private key") != std::string::npos);
    dir.add("old", "EdDSA", true);
    CHECK(message_of(dir.path.string()).find("holds no private key") != std::string::npos);
    CHECK(message_of((dir.path / "missing").string()).find("cannot read the directory") != std::string::npos);

    dir.add("bad kid", "EdDSA");
    CHECK(message_of(dir.path.string()).find("bad kid.pem: a key's file name is its kid") != std::string::npos);
    fs::remove(dir.path / "bad kid.pem");
    dir.add("old", "EdDSA");  // old.pem beside old.pub.pem
    CHECK(message_of(dir.path.string()).find("two files name the kid old") != std::string::npos);
    fs::remove(dir.path / "old.pub.pem");
    dir.write("huge.pem", std::string(70 * 1024, 'x'));
    CHECK(message_of(dir.path.string()).find("huge.pem cannot be read or is over 64 KiB") != std::string::npos);
    fs::remove(dir.path / "huge.pem");
    CHECK(read_key_directory(dir.path.string()).size() == 1);

    // A key of another algorithm, or text that is no key, stops the ring's reading (the start, or the next reload,
    // which keeps the keys it had).
    dir.add("zz-es256", "ES256");
    key_ring ring("EdDSA", [&] { return read_key_directory(dir.path.string()); });
    CHECK_THROWS_WITH(ring.reload(), Catch::Contains("not a PEM EdDSA key"));
    fs::remove(dir.path / "zz-es256.pem");
    ring.reload();
    dir.write("zz-garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n");
    CHECK_THROWS(ring.reload());
    CHECK(ring.jwks_json().find(R"("kid":"old")") != std::string::npos);
}
