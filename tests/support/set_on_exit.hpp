#pragma once
// For tests that hold another thread at a promise: a failed REQUIRE or an exception must not leave that thread
// waiting, or the std::future that joins it would block the test until ctest's time-out.
#include <future>

namespace authd::test {

/// Sets `promise` when the scope ends, unless the test has set it already. Declare it after the futures of the
/// threads that wait on the promise, so that it is destroyed (and lets them go) before those futures join them.
class set_on_exit {
public:
    explicit set_on_exit(std::promise<void>& promise) : promise_(promise) {}
    ~set_on_exit() {
        try {
            promise_.set_value();
        } catch (const std::future_error&) {  // set already
        }
    }
    set_on_exit(const set_on_exit&) = delete;
    set_on_exit& operator=(const set_on_exit&) = delete;

private:
    std::promise<void>& promise_;
};

}  // namespace authd::test
