#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "actors/predictor/predictor_messages.hpp"
#include "config/json_reader.hpp"
#include "config/json_writer.hpp"

namespace auralis::actors {

/// Honest prediction accuracy: for every measured switch, the rank the switched-to preset
/// had in the prediction that was current just before the switch. Keeps top-1 accuracy
/// and top-3 hit rate overall and over the last `window` switches. Not thread-safe.
class accuracy_tracker {
public:
  /// Ranks up to this count as a top-3 hit.
  static constexpr int top_k = 3;

  /// `window` >= 1: how many recent switches the rolling figures cover.
  /// Throws std::invalid_argument when window is 0.
  explicit accuracy_tracker(std::size_t window);

  /// Records one switch whose target had rank `rank` (1 = predicted first; 0 = not in the
  /// prediction at all). Throws std::invalid_argument for a negative rank.
  void record(int rank);

  /// The figures; ratios are 0 while nothing was recorded.
  accuracy_figures figures() const;

  /// Forgets everything.
  void clear();

  /// Writes {"switches": n, "top1_hits": n, "top3_hits": n, "recent": [rank, ...]} (recent
  /// oldest first).
  void write_json(config::json_writer& w) const;

  /// Replaces the figures with those of `r` (an object written by write_json) as one
  /// step: nothing changes when it throws. Only the newest `window` recent ranks are kept.
  /// Throws config::json_field_error naming the bad key when a key is missing or unknown,
  /// or a count is negative or inconsistent (hits above switches, top-1 hits above top-3
  /// hits, more recent ranks than switches).
  void read_json(config::json_reader& r);

private:
  std::size_t window_;
  std::uint64_t switches_ = 0;
  std::uint64_t top1_hits_ = 0;
  std::uint64_t top3_hits_ = 0;
  std::deque<int> recent_; ///< ranks of the last `window_` switches, oldest first
};

} // namespace auralis::actors
