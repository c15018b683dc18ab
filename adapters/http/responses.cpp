#include "adapters/http/responses.hpp"

namespace authd::http {

response json_response(int status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.set_header("Content-Type", "application/json");
    return r;
}

response no_content() {
    response r;
    r.status = 204;
    return r;
}

}  // namespace authd::http
