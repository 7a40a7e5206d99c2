#include "load/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::load {

namespace {

/// Ratio of a bucket's upper bound to its lower bound: (1 + e) / (1 - e), so the
/// representative value 2 * lo * g / (1 + g) is within e of every value of the bucket.
const double growth = (1 + latency_histogram::relative_error) / (1 - latency_histogram::relative_error);
const double log_growth = std::log(growth);

} // namespace

std::size_t latency_histogram::bucket_of(double ms) {
  if (ms <= lowest_ms)
    return 0;
  return static_cast<std::size_t>(std::floor(std::log(ms / lowest_ms) / log_growth)) + 1;
}

double latency_histogram::value_of(std::size_t bucket) {
  if (bucket == 0)
    return lowest_ms;
  const double lo = lowest_ms * std::exp(static_cast<double>(bucket - 1) * log_growth);
  return lo * 2 * growth / (1 + growth);
}

void latency_histogram::record(double ms) {
  if (!(ms > 0)) // negative and NaN
    ms = 0;
  ms = std::min(ms, 1e9); // about 11 days: keeps the bucket array bounded
  const std::size_t b = bucket_of(ms);
  if (b >= buckets_.size())
    buckets_.resize(b + 1, 0);
  ++buckets_[b];
  min_ = count_ ? std::min(min_, ms) : ms;
  max_ = count_ ? std::max(max_, ms) : ms;
  sum_ += ms;
  ++count_;
}

void latency_histogram::merge(const latency_histogram& other) {
  if (other.count_ == 0)
    return;
  if (other.buckets_.size() > buckets_.size())
    buckets_.resize(other.buckets_.size(), 0);
  for (std::size_t i = 0; i < other.buckets_.size(); ++i)
    buckets_[i] += other.buckets_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = count_ ? std::max(max_, other.max_) : other.max_;
  sum_ += other.sum_;
  count_ += other.count_;
}

void latency_histogram::reset() { *this = latency_histogram(); }

double latency_histogram::percentile(double q) const {
  if (count_ == 0)
    return 0;
  q = std::clamp(q, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(q / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  if (rank == count_)
    return max_; // the extremes are kept exactly
  if (rank == 1)
    return min_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank)
      return std::clamp(value_of(i), min_, max_);
  }
  return max_;
}

} // namespace auralis::load
