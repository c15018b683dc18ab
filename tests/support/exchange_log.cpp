#include "tests/support/exchange_log.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace authd::test {
namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(writer& w, const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void write_headers(writer& w, const std::vector<std::pair<std::string, std::string>>& headers) {
    w.StartObject();
    for (const auto& [name, value] : headers) {
        w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        write_string(w, value);
    }
    w.EndObject();
}

}  // namespace

void log_exchange(const std::string& method, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& request_headers,
                  const std::string& request_body, const http_reply& reply) {
    const std::filesystem::path directory = AUTHD_EXCHANGE_DIR;

    rapidjson::StringBuffer line;
    writer w(line);
    w.StartObject();
    w.Key("method");
    write_string(w, method);
    w.Key("target");
    write_string(w, target);
    w.Key("requestHeaders");
    write_headers(w, request_headers);
    w.Key("requestBody");
    write_string(w, request_body);
    w.Key("status");
    w.Int(reply.status);
    w.Key("responseHeaders");
    write_headers(w, reply.headers);
    w.Key("responseBody");
    write_string(w, reply.body);
    w.EndObject();

    static std::mutex file_mutex;
    const std::lock_guard lock(file_mutex);
    std::filesystem::create_directories(directory);
    std::ofstream out(directory / (std::to_string(::getpid()) + ".jsonl"), std::ios::app);
    out << line.GetString() << '\n';
    if (!out) throw std::runtime_error("cannot append to the exchange log in " + directory.string());
}

}  // namespace authd::test
