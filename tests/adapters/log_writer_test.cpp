// The log writer thread: every line reaches its output whole and in order, none is left behind when it ends, and an
// output that does not keep up (or refuses its lines) costs lost and counted lines, never a caller that waits for it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/log.hpp"

using namespace authd;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t from = 0;
    for (auto end = text.find('\n'); end != std::string::npos; from = end + 1, end = text.find('\n', from))
        out.push_back(text.substr(from, end - from));
    if (from != text.size()) out.push_back(text.substr(from));  // a line cut short shows up as one
    return out;
}

/// The string member `name` of a log line ("name":"value"); empty when it has none.
std::string member(const std::string& line, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const auto at = line.find(key);
    if (at == std::string::npos) return {};
    const auto from = at + key.size();
    return line.substr(from, line.find('"', from) - from);
}

bool whole(const std::string& line) { return line.size() > 2 && line.front() == '{' && line.back() == '}'; }

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string text;
    std::array<char, 4096> buf{};
    for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), f)) > 0;) text.append(buf.data(), n);
    return text;
}

}  // namespace

TEST_CASE("lines logged from several threads reach the log writer's output whole and in order, none left at its end",
          "[log]") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    constexpr int threads = 4, each = 500;
    {
        const http::log_writer_thread writer(out);
        std::vector<std::thread> loggers;
        for (int t = 0; t < threads; ++t)
            loggers.emplace_back([t] {
                for (int i = 0; i < each; ++i)
                    http::log_event("info", "counted", {{"thread", std::to_string(t)}, {"seq", std::to_string(i)}});
            });
        for (auto& l : loggers) l.join();
    }  // nothing waits for the output: the writer's end writes what is left
    const auto lines = lines_of(read_all(out));
    std::fclose(out);

    REQUIRE(lines.size() == threads * each);
    std::array<std::vector<int>, threads> seen;
    int broken = 0;
    for (const auto& line : lines) {
        if (!whole(line) || member(line, "msg") != "counted") {
            ++broken;
            continue;
        }
        seen.at(std::stoul(member(line, "thread"))).push_back(std::stoi(member(line, "seq")));
    }
    CHECK(broken == 0);
    std::vector<int> in_order;
    for (int i = 0; i < each; ++i) in_order.push_back(i);
    for (const auto& s : seen) CHECK(s == in_order);
}

TEST_CASE("an output that does not keep up costs dropped and counted lines, never a caller that waits", "[log]") {
    int ends[2];
    REQUIRE(::pipe(ends) == 0);
    REQUIRE(::fcntl(ends[1], F_SETPIPE_SZ, 4096) >= 0);  // the smallest pipe: full after a few lines
    std::FILE* out = ::fdopen(ends[1], "w");
    REQUIRE(out != nullptr);
    const auto dropped_before = http::log_lines_dropped();
    constexpr int logged = 1000;
    std::string received;
    std::thread reader;
    {
        const http::log_writer_thread writer(out, 8192);
        // Nobody reads the pipe yet: the writer thread soon waits on it. Were log_event to wait too, this loop would
        // never end.
        for (int i = 0; i < logged; ++i)
            http::log_event("info", "flood", {{"seq", std::to_string(i)}, {"padding", std::string(100, 'x')}});
        reader = std::thread([&] {
            std::array<char, 4096> buf{};
            for (ssize_t n; (n = ::read(ends[0], buf.data(), buf.size())) > 0;)
                received.append(buf.data(), static_cast<std::size_t>(n));
        });
        // The writer's end writes what still waits, and the warning, as the reader drains the pipe.
    }
    std::fclose(out);  // the reader's end of file
    reader.join();
    ::close(ends[0]);
    const auto dropped = http::log_lines_dropped() - dropped_before;

    CHECK(dropped > 0);
    std::uint64_t written = 0;
    int broken = 0, last_seq = -1, out_of_order = 0;
    std::uint64_t warned = 0;
    for (const auto& line : lines_of(received)) {
        if (!whole(line)) {
            ++broken;
        } else if (member(line, "msg") == "flood") {
            ++written;
            const int seq = std::stoi(member(line, "seq"));
            if (seq <= last_seq) ++out_of_order;
            last_seq = seq;
        } else if (member(line, "msg") == "log lines dropped: the output did not keep up") {
            CHECK(member(line, "level") == "warn");
            warned += std::stoull(member(line, "count"));
        }
    }
    CHECK(broken == 0);
    CHECK(out_of_order == 0);
    CHECK(written + dropped == logged);
    CHECK(warned == dropped);
}

TEST_CASE("a line dropped while nothing waits wakes the log writer for its warning, and one writer runs at a time",
          "[log]") {
    std::FILE* out = std::tmpfile();
    REQUIRE(out != nullptr);
    const auto dropped_before = http::log_lines_dropped();
    const auto text_so_far = [&] {
        std::string text(4096, '\0');
        const auto n = ::pread(::fileno(out), text.data(), text.size(), 0);
        text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
        return text;
    };
    bool warned = false;
    {
        const http::log_writer_thread writer(out, 64);
        CHECK_THROWS_AS(http::log_writer_thread(out), std::logic_error);
        http::log_event("info", "too long", {{"padding", std::string(100, 'x')}});  // longer than all that may wait
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!warned && std::chrono::steady_clock::now() < deadline) {
            warned = text_so_far().find("log lines dropped") != std::string::npos;
            if (!warned) std::this_thread::yield();
        }
    }
    const auto lines = lines_of(text_so_far());
    std::fclose(out);

    CHECK(warned);  // before the writer's end, with no other line to wake it
    CHECK(http::log_lines_dropped() - dropped_before == 1);
    REQUIRE(lines.size() == 1);
    CHECK(member(lines[0], "count") == "1");
}

TEST_CASE("lines an output refuses are counted as lost", "[log]") {
    std::FILE* out = std::fopen("/dev/full", "w");  // every write fails: no space left
    REQUIRE(out != nullptr);
    const auto dropped_before = http::log_lines_dropped();
    {
        const http::log_writer_thread writer(out);
        for (int i = 0; i < 3; ++i) http::log_event("info", "refused", {{"seq", std::to_string(i)}});
    }
    std::fclose(out);
    CHECK(http::log_lines_dropped() - dropped_before == 3);
}
