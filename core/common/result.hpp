#pragma once
// Expected failures as values: a use case returns result<T>, holding either a
// T or a failure. (C++20 has no std::expected; this is the small subset we use.)
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/common/errc.hpp"
#include "core/mfa/mfa_pending.hpp"

namespace authd {

struct field_error {
    std::string field;
    std::string message;
};

struct failure {
    errc code;
    std::string detail;                    ///< external text, safe to show a client
    std::vector<field_error> fields = {};  ///< for validation_failed: every bad field
    std::optional<std::chrono::seconds> retry_after = {};
    std::optional<int> attempts_remaining = {};
    std::optional<mfa_pending> challenge = {};  ///< for mfa_required: how to finish the login
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    result(failure f) : v_(std::in_place_index<1>, std::move(f)) {}    // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const failure& error() const& { return std::get<1>(v_); }
    failure&& error() && { return std::get<1>(std::move(v_)); }

private:
    std::variant<T, failure> v_;
};

/// A result that carries no value: success or a failure.
using outcome = result<std::monostate>;
inline outcome success() { return std::monostate{}; }

inline failure fail(errc code, std::string detail = {}) { return failure{code, std::move(detail)}; }

}  // namespace authd
