// Polls a condition until it holds or a timeout passes: the test's way to wait for
// another process (a datanode registering, a block re-replicating) without sleeps.
//   ASSERT_TRUE(WaitFor([&] { return CountReplicas(path) == 3; }, absl::Seconds(30)));
#ifndef HAYLOFT_TESTS_TESTING_WAIT_FOR_H_
#define HAYLOFT_TESTS_TESTING_WAIT_FOR_H_

#include <algorithm>
#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hayloft::testing {

// Returns true as soon as `condition` returns true, false if it still does not
// after `timeout`. Checks once more at the deadline, and at least once.
inline bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout,
                    absl::Duration poll_interval = absl::Milliseconds(50)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    if (condition()) return true;
    absl::Time now = absl::Now();
    if (now >= deadline) return false;
    absl::SleepFor(std::min(poll_interval, deadline - now));
  }
}

}  // namespace hayloft::testing

#endif  // HAYLOFT_TESTS_TESTING_WAIT_FOR_H_
