#include "actors/pool/pool_admission.hpp"

#include <algorithm>
#include <cmath>

namespace auralis::actors {

void pool_admission::record(double cpu_ms) noexcept {
  if (!std::isfinite(cpu_ms) || cpu_ms < 0)
    return;
  job_ms_ = std::max(0.001, job_ms_ + (cpu_ms - job_ms_) / 5.0);
}

double pool_admission::estimate_ms(std::size_t ahead, std::size_t idle,
                                   std::size_t workers) const noexcept {
  if (ahead < idle)
    return job_ms_;
  const std::size_t w = std::max<std::size_t>(1, workers);
  const std::size_t queued = ahead - idle + 1; // after the idle workers took theirs
  const std::size_t rounds = (queued + w - 1) / w;
  return job_ms_ * static_cast<double>(1 + rounds);
}

std::optional<std::uint32_t> pool_admission::refuse(std::size_t ahead, std::size_t idle,
                                                    std::size_t workers) const noexcept {
  if (limit_ms_ <= 0 || ahead < idle)
    return std::nullopt; // no limit, or it starts at once: waiting would not help

  const double ms = estimate_ms(ahead, idle, workers);
  if (ms <= limit_ms_)
    return std::nullopt;
  return static_cast<std::uint32_t>(std::clamp(std::ceil(ms / 1000.0), 1.0, 60.0));
}

} // namespace auralis::actors
