#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace auralis::actors {

/// Counts durations in fixed buckets, milliseconds. Not thread-safe: its owner locks.
/// Bucket i counts durations d with bounds()[i-1] < d <= bounds()[i]; the last bucket
/// (+Inf) counts what is above the last bound. Quantiles are the upper bound of the bucket
/// they fall in (the largest duration seen for the last bucket), so they never understate.
class duration_histogram {
public:
  /// Upper bounds of the finite buckets, ms: 10 us to 30 s, about 2.5x apart.
  static constexpr std::array<double, 17> bounds_ms = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 1000, 5000, 30000};

  /// Counts one duration; a negative one counts as 0.
  void add(double ms) noexcept;

  /// Durations counted.
  std::uint64_t count() const noexcept { return count_; }

  /// Their sum, ms.
  double sum_ms() const noexcept { return sum_ms_; }

  /// The largest, ms (0 when empty).
  double max_ms() const noexcept { return max_ms_; }

  /// The q-quantile (0 < q <= 1) as the upper bound of its bucket, capped at max_ms();
  /// 0 when empty.
  double quantile_ms(double q) const noexcept;

  /// Per bucket (bounds_ms, then +Inf), the durations it counts (not cumulative).
  const std::vector<std::uint64_t>& buckets() const noexcept { return buckets_; }

  /// CAF serialisation (a histogram read back with another bucket count is reset).
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, duration_histogram& x) {
    return f(caf::meta::type_name("duration_histogram"), x.buckets_, x.count_, x.sum_ms_,
             x.max_ms_);
  }

private:
  std::vector<std::uint64_t> buckets_ = std::vector<std::uint64_t>(bounds_ms.size() + 1);
  std::uint64_t count_ = 0;
  double sum_ms_ = 0;
  double max_ms_ = 0;
};

} // namespace auralis::actors
