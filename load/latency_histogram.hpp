#pragma once

#include <cstdint>
#include <vector>

namespace auralis::load {

/// A log-bucketed latency histogram (HDR style): every recorded value lands in a bucket
/// whose bounds are within `relative_error` of a representative value, so any percentile
/// it reports is within 1 % of a recorded value of that rank. Values are milliseconds;
/// values below `lowest_ms` share the lowest bucket (reported as the smallest recorded).
/// Memory grows with the largest value, about 1,150 counters up to 10^7 ms.
class latency_histogram {
public:
  /// Bound of the relative error of percentile().
  static constexpr double relative_error = 0.01;
  /// The smallest value told apart from 0.
  static constexpr double lowest_ms = 0.001;

  /// Counts one value (negative values count as 0).
  void record(double ms);

  /// Adds every value of `other`.
  void merge(const latency_histogram& other);

  /// Forgets every value.
  void reset();

  /// Number of values.
  std::uint64_t count() const noexcept { return count_; }

  /// The value of rank ceil(q/100 * count) (nearest rank), q in [0, 100]; 0 when empty.
  /// Within relative_error of the true value of that rank, and inside [min(), max()].
  double percentile(double q) const;

  /// Smallest value recorded (exact); 0 when empty.
  double min() const noexcept { return count_ ? min_ : 0; }
  /// Largest value recorded (exact); 0 when empty.
  double max() const noexcept { return count_ ? max_ : 0; }
  /// Mean of the values (exact); 0 when empty.
  double mean() const noexcept { return count_ ? sum_ / static_cast<double>(count_) : 0; }

private:
  static std::size_t bucket_of(double ms);
  static double value_of(std::size_t bucket);

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  double min_ = 0;
  double max_ = 0;
  double sum_ = 0;
};

} // namespace auralis::load
