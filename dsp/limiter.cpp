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

void limiter::push_many(const float* peaks, float* gains, std::int64_t blocks) {
  if (blocks <= 0)
    return;
  const auto k = static_cast<std::size_t>(lookahead_);
  const auto n = static_cast<std::size_t>(blocks);
  constexpr std::size_t pad = 8; // room for whole vectors past the end
  // Required gains: the K newest before this call (every ring slot but the oldest, which
  // the first new value replaces; their order does not matter for a minimum), then R_i.
  many_required_.resize(k + n + pad);
  float* req = many_required_.data();
  for (std::size_t q = 0, at = 0; q <= k; ++q)
    if (q != required_at_)
      req[at++] = required_[q];
  // Most blocks stay at or below the threshold: four at a time, the curve only where one
  // is above it (NaN reads as "not above", as in required_gain()).
  std::size_t b = 0;
  for (; b + 4 <= n; b += 4) {
    const simd::v4sf p = simd::load(peaks + b);
    const simd::v4si above = p > threshold_;
    if (above[0] | above[1] | above[2] | above[3]) {
      for (std::size_t l = 0; l < 4; ++l)
        req[k + b + l] = above[l] ? required_gain(p[l]) : 1.0f;
    } else {
      simd::store(req + k + b, simd::splat(1.0f));
    }
  }
  for (; b < n; ++b)
    req[k + b] = required_gain(peaks[b]);
  std::fill(req + k + n, req + k + n + pad, 1.0f);
  // The K + 1 newest required gains, for the state left behind, and how many of the
  // newest ones are 1 (enough to know the trailing quiet pushes).
  for (std::size_t q = 0; q <= k; ++q)
    required_[q] = req[n - 1 + q];
  required_at_ = 0;
  std::size_t unity_run = 0;
  while (unity_run < n && unity_run <= k && req[k + n - 1 - unity_run] == 1.0f)
    ++unity_run;
  // Sliding minimum over K + 1 values, m_i = min(req[i .. i + K]), by doubling: after the
  // pass with span w, req[i] = min(req[i .. i + 2w - 1]) (minima are exact, so any order of
  // evaluation gives the same values).
  const std::size_t window = k + 1;
  std::size_t span = 1;
  for (; 2 * span <= window; span *= 2)
    for (std::size_t i = 0; i < n + k + 1 - 2 * span; i += 4)
      simd::store(req + i, simd::min(simd::load(req + i), simd::load(req + i + span)));
  const std::size_t rest = window - span; // m_i = min(req[i], req[i + rest])
  // Held attenuations: the K - 1 newest before this call in time order, then one per block.
  many_held_.resize(k - 1 + n + pad);
  float* held = many_held_.data();
  for (std::size_t q = 0; q + 1 < k; ++q)
    held[q] = held_[held_at_ + 1 + q];
  float depth = depth_;
  for (std::size_t i = 0; i < n; ++i) {
    const float m = rest ? std::min(req[i], req[i + rest]) : req[i];
    if (m == 1.0f) {
      // floor = 0 and depth >= 0: the update below is exactly depth * keep_ (one multiply
      // on the chain from block to block instead of four operations).
      depth *= keep_;
    } else {
      const float floor = 1.0f - m;
      depth = std::max(floor, floor + (depth - floor) * keep_);
    }
    held[k - 1 + i] = depth;
  }
  std::fill(held + k - 1 + n, held + k - 1 + n + pad, 0.0f);
  // g = 1 - (sum of the K attenuations ending at block i) / K, summed in push()'s order
  // (lanes of four in time order, their sum (l0 + l1) + (l2 + l3), then the tail), four
  // blocks at a time.
  const float kf = static_cast<float>(k);
  const std::size_t whole = k / 4 * 4;
  for (std::size_t i = 0; i < n; i += 4) {
    const float* w = held + i;
    simd::v4sf lane[4] = {};
    for (std::size_t q = 0; q < whole; q += 4)
      for (std::size_t l = 0; l < 4; ++l)
        lane[l] += simd::load(w + q + l);
    simd::v4sf sum = (lane[0] + lane[1]) + (lane[2] + lane[3]);
    for (std::size_t q = whole; q < k; ++q)
      sum += simd::load(w + q);
    const simd::v4sf g = 1.0f - sum / kf;
    if (i + 4 <= n) {
      simd::store(gains + i, g);
    } else {
      for (std::size_t l = 0; i + l < n; ++l)
        gains[i + l] = g[l];
    }
  }
  // The state push() would have left: the K newest attenuations in time order (twice),
  // the latest one, and the count of trailing quiet pushes.
  for (std::size_t q = 0; q < k; ++q) {
    held_[q] = held[n - 1 + q];
    held_[q + k] = held[n - 1 + q];
  }
  held_at_ = 0;
  depth_ = depth;
  std::size_t still = 0; // trailing blocks with R = 1 and h = 1
  while (still < n && still <= k && unity_run > still && held[k - 1 + n - 1 - still] == 0)
    ++still;
  const std::size_t cap = k + 1;
  quiet_ = static_cast<int>(still == n ? std::min(static_cast<std::size_t>(quiet_) + n, cap)
                                       : std::min(still, cap));
}

} // namespace auralis::dsp
