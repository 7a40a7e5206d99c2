#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace auralis::actors {

/// Logs the failures of requests whose answers nobody waits for (a budget sent to a tier,
/// stale jobs pruned from the pool), so that none disappears without a line, and without
/// flooding the log when a peer fails many times in a row: at most one warning per
/// `every` for this log, naming what failed and how many failures were left out since the
/// previous line. Each actor keeps its own; not thread-safe.
class failure_log {
public:
  using clock = std::chrono::steady_clock;

  /// `who` starts every line (the actor's name, as in "planner: ..."); `every` > 0.
  explicit failure_log(std::string who, clock::duration every = std::chrono::seconds(10));

  /// Records that `what` failed with `error` at `now`; logs it unless a line was logged
  /// less than `every` before `now`. Returns whether it logged.
  bool note(const std::string& what, const std::string& error, clock::time_point now = clock::now());

  /// Failures noted so far, logged or not.
  std::uint64_t total() const noexcept { return total_; }

  /// Failures noted since the last line logged (0 right after a line).
  std::uint64_t left_out() const noexcept { return left_out_; }

  /// The line note() logged last, or empty before the first.
  const std::string& last_line() const noexcept { return last_line_; }

private:
  std::string who_;
  clock::duration every_;
  bool logged_ = false;       ///< whether a line was logged yet
  clock::time_point last_{}; ///< when the last line was logged
  std::uint64_t total_ = 0;
  std::uint64_t left_out_ = 0;
  std::string last_line_;
};

} // namespace auralis::actors
