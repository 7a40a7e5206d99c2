#include "dsp/limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dsp/simd.hpp"

namespace auralis::dsp {

limiter::limiter(const config::limiter_params& params, double ceiling_db, int rate) {
  if (rate <= 0 || !std::isfinite(params.threshold_db) || !std::isfinite(params.release_ms) ||
      !std::isfinite(ceiling_db))
    throw std::invalid_argument("limiter: rate must be positive and parameters finite");
  threshold_db_ = static_cast<float>(params.threshold_db);
  knee_db_ = static_cast<float>(ceiling_db - params.threshold_db);
  ceiling_ = static_cast<float>(std::pow(10.0, ceiling_db / 20));
  threshold_ =
    knee_db_ > 0 ? static_cast<float>(std::pow(10.0, params.threshold_db / 20)) : ceiling_;
  const double release_frames = std::max(params.release_ms, 0.01) * 1e-3 * rate;
  keep_ = static_cast<float>(std::exp(-block_frames / release_frames));
  lookahead_ =
    std::max(1, static_cast<int>(std::lround(lookahead_ms * 1e-3 * rate / block_frames)));
  reset();
}

void limiter::reset() {
  required_.assign((static_cast<std::size_t>(lookahead_) + 1 + 3) / 4 * 4, 1.0f);
  held_.assign(2 * static_cast<std::size_t>(lookahead_), 0.0f);
  required_at_ = 0;
  held_at_ = 0;
  depth_ = 0;
  quiet_ = lookahead_ + 1;
}

float limiter::required_gain(float peak) const noexcept {
  if (!(peak > threshold_))
    return 1.0f;
  if (knee_db_ <= 0)
    return ceiling_ / peak;
  // dB = 20*log10(x) = log2(x) * 20*log10(2); e^x = 2^(x * log2(e)).
  const float in_db = 6.0205999133f * simd::fast_log2(peak);
  const float out_db =
    threshold_db_ +
    knee_db_ * (1 - simd::fast_exp2(1.4426950409f * (threshold_db_ - in_db) / knee_db_));
  // 10^(d/20) = 2^(d * log2(10)/20).
  return std::min(1.0f, simd::fast_exp2(0.16609640474f * (out_db - in_db)));
}

float limiter::push(float block_peak) noexcept {
  const float r = required_gain(block_peak);
  const auto k = static_cast<std::size_t>(lookahead_);
  // Idle: both rings hold only 1s, so the full update below would return exactly 1 and
  // leave them unchanged.
  if (r == 1 && quiet_ > lookahead_)
    return 1.0f;
  required_[required_at_] = r;
  required_at_ = required_at_ == k ? 0 : required_at_ + 1;
  simd::v4sf lowest = simd::splat(1.0f);
  for (std::size_t i = 0; i < required_.size(); i += 4)
    lowest = simd::min(lowest, simd::load(required_.data() + i));
  const float m = std::min(std::min(lowest[0], lowest[1]), std::min(lowest[2], lowest[3]));
  // In attenuation terms (a = 1 - gain, exact near unity gain): a_h follows 1 - m at once
  // when that is deeper, and otherwise decays towards it by keep_ per block, reaching it
  // exactly (1 - h would stall a rounding step short of 1).
  const float floor = 1.0f - m;
  depth_ = std::max(floor, floor + (depth_ - floor) * keep_);
  held_[held_at_] = depth_;
  held_[held_at_ + k] = depth_;
  held_at_ = held_at_ + 1 == k ? 0 : held_at_ + 1;
  quiet_ = r == 1 && depth_ == 0 ? std::min(quiet_ + 1, lookahead_ + 1) : 0;
  // Sum of the K attenuations in time order (a fixed pattern: lanes, then the tail).
  const float* window = held_.data() + held_at_;
  simd::v4sf acc{};
  std::size_t i = 0;
  for (; i + 4 <= k; i += 4)
    acc += simd::load(window + i);
  float sum = simd::hsum(acc);
  for (; i < k; ++i)
    sum += window[i];
  return 1.0f - sum / static_cast<float>(k);
}

} // namespace auralis::dsp
