#include "actors/common/duration_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::actors {

void duration_histogram::add(double ms) noexcept {
  if (!(ms > 0))
    ms = 0;
  if (buckets_.size() != bounds_ms.size() + 1)
    buckets_.assign(bounds_ms.size() + 1, 0);
  const auto it = std::lower_bound(bounds_ms.begin(), bounds_ms.end(), ms);
  ++buckets_[static_cast<std::size_t>(it - bounds_ms.begin())];
  ++count_;
  sum_ms_ += ms;
  max_ms_ = std::max(max_ms_, ms);
}

double duration_histogram::quantile_ms(double q) const noexcept {
  if (count_ == 0)
    return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1))
      return i < bounds_ms.size() ? std::min(bounds_ms[i], max_ms_) : max_ms_;
  }
  return max_ms_;
}

} // namespace auralis::actors
