#include "adapters/http/request_reader.hpp"

#include "adapters/http/beast_request.hpp"

#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <limits>
#include <string_view>
#include <utility>

namespace authd::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

std::string_view view(const beast::flat_buffer& in) { return {static_cast<const char*>(in.data().data()), in.size()}; }

void skip_blank_lines(beast::flat_buffer& in) {
    const auto data = view(in);
    std::size_t blank = 0;
    while (blank < data.size()) {
        if (data[blank] == '\n') ++blank;
        else if (data.substr(blank, 2) == "\r\n") blank += 2;
        else break;
    }
    in.consume(blank);
}

}  // namespace

void request_reader::begin(beast::flat_buffer& in) {
    skip_blank_lines(in);
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->on_chunk_header(on_chunk_header_);
    before_trailers_.reset();
    failure_.reset();
    unended_line_ = false;
    header_bytes_ = 0;
    seen_ = 0;
}

request_reader::progress request_reader::parse(beast::flat_buffer& in) {
    const auto max_header = limits_.max_header_bytes;
    const bool header_done = parser_->is_header_done();
    if (!parser_->got_some()) {
        // Blank lines that came after begin() are skipped too; half a line end waits for its other half.
        skip_blank_lines(in);
        seen_ = view(in) == "\r" ? 1 : 0;
    }
    // Five bytes at least only in a body: headers may need fewer (their last CR seen, its LF to come).
    if (in.size() > seen_ && (!header_done || seen_ == 0 || in.size() >= 5)) {
        beast::error_code ec;
        // The headers alone first (the parser stops at their end), so that their bytes are counted; then the body.
        parser_->eager(header_done);
        if (!header_done)
            parser_->header_limit(static_cast<std::uint32_t>(
                std::min<std::size_t>(max_header - header_bytes_, std::numeric_limits<std::uint32_t>::max())));
        const auto used = parser_->put(in.data(), ec);
        in.consume(used);
        if (!header_done) header_bytes_ += used;
        // No error but not done either: the parser took every byte (of a chunk's data, say) and wants more.
        if (ec == bhttp::error::need_more) ec = {};
        // Headers not done yet are all that is buffered, or end past the parser's window: over the limit either way.
        // After an error, what the parser took of them: Beast's window is the limit after the request line and again
        // for the fields, so headers past the limit can come whole in one call, and an error Beast finds at their end
        // (a body over the limit by its length, a coding) must not answer for them.
        const auto header_so_far = ec ? header_bytes_ : header_bytes_ + (parser_->is_header_done() ? 0 : in.size());
        if (!header_done && header_so_far > max_header) ec = bhttp::error::header_limit;
        if (ec) return fail(ec);
        if (!header_done && parser_->is_header_done()) {
            if (foreign_transfer_coding(parser_->get())) return fail_with(501);
            seen_ = 0;  // the parser stopped at the headers' end: what follows is new to it
            if (!parser_->is_done()) return progress::header;
        }
        if (parser_->is_done()) return progress::done;
        seen_ = in.size();
    }
    if (seen_ > max_header) {
        unended_line_ = true;
        return fail_with(400);
    }
    return progress::more;
}

request_reader::progress request_reader::read_failed(const beast::error_code& ec) { return fail(ec); }

request_reader::progress request_reader::fail(const beast::error_code& ec) {
    if (ec == bhttp::error::header_limit) return fail_with(431);
    // Before the body's own error: a body in a coding authd does not decode fails as chunked.
    if (header_done() && foreign_transfer_coding(parser_->get())) return fail_with(501);
    if (ec == bhttp::error::body_limit) return fail_with(413);
    // The peer stopped sending, a timeout, a reset: nobody to answer.
    const bool malformed = ec.category() == beast::error_code{bhttp::error::bad_version}.category() &&
                           ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
    if (malformed) return fail_with(400);
    return progress::failed;
}

request_reader::progress request_reader::fail_with(int status) {
    failure_ = status;
    return progress::failed;
}

bool request_reader::received_any(const beast::flat_buffer& in) const {
    if (parser_ && parser_->got_some()) return true;
    // Half a line end before any request waits for its LF as a blank line, which begins no request.
    return in.size() > 0 && view(in) != "\r";
}

bool request_reader::awaits_continue(const beast::flat_buffer& in) const {
    if (parser_->is_done() || in.size() > 0) return false;
    const auto& head = parser_->get();
    const auto expect = head.find(bhttp::field::expect);
    return head.version() == 11 && expect != head.end() && beast::iequals(expect->value(), "100-continue");
}

request_reader::message request_reader::take() {
    auto m = parser_->release();
    parser_.reset();
    if (before_trailers_) m.base() = std::move(*std::exchange(before_trailers_, std::nullopt));
    return m;
}

bool request_reader::keeps_alive(const message& m) {
    return m.keep_alive() && !(m.version() == 10 && m.find(bhttp::field::transfer_encoding) != m.end());
}

}  // namespace authd::http
