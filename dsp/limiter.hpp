#pragma once

#include <cstdint>
#include <vector>

#include "config/preset.hpp"

namespace auralis::dsp {

/// Lookahead peak limiter gain computer, run at control rate (one gain point per block of
/// block_frames frames, applied with linear interpolation between block boundaries).
///
/// The caller feeds, block by block, the peak the block will have before limiting (an
/// upper bound is fine): its sample peak for a sample-peak ceiling, its true peak
/// (true_peak_detector) for a true-peak ceiling, as mastering_chain does. Each peak P maps to a required gain R(P): 1 up to the
/// threshold; above it, peaks are squeezed smoothly into the headroom up to the ceiling,
/// out_db = thr + k * (1 - exp(-(in_db - thr) / k)) with k = ceiling - thr, so the output
/// approaches but never reaches the ceiling (a ceiling at or below the threshold makes it a
/// hard limit at the ceiling). The gain at the boundary starting block j is
///   g_j = mean(h_{j-K+1} .. h_j),  h_i = min(m_i, h_{i-1} + c * (m_i - h_{i-1})),
///   m_i = min(R_{i-1} .. R_{i-1+K})
/// (computed on attenuations 1 - h, which keeps full precision near unity gain), with
/// K = lookahead_blocks() and c the per-block release coefficient. Hence g_j and
/// g_{j+1} are both <= R_j, and the interpolated gain inside block j never lets its peak
/// above the ceiling: the attack is a linear ramp over the lookahead, the release a one-pole
/// recovery. Feeding block i returns g_{i+1-K}: the limiter delays by K blocks, and a
/// boundary's gain depends on the peaks of the K blocks after it.
///
/// Before the first push the history is "no limiting" (R = h = 1), which is also the state
/// under silence (the recovery reaches exactly 1 again). Two runs fed the same peaks
/// converge with the release time constant.
class limiter {
public:
  /// Frames per control block.
  static constexpr int block_frames = 16;
  /// Lookahead, ms (rounded to whole blocks).
  static constexpr double lookahead_ms = 5.0;

  /// Sets up `params` with output ceiling `ceiling_db` (dBFS) at `rate` Hz. Release below
  /// 0.01 ms is taken as 0.01 ms. Throws std::invalid_argument for a non-positive rate or
  /// non-finite values.
  limiter(const config::limiter_params& params, double ceiling_db, int rate);

  /// Peak (linear) up to which required_gain() is exactly 1.
  float threshold() const noexcept { return threshold_; }

  /// Lookahead in blocks, K >= 1.
  int lookahead_blocks() const noexcept { return lookahead_; }

  /// History back to "no limiting".
  void reset();

  /// Gain (linear, in (0, 1]) that brings a block peak `peak` (linear) onto the curve.
  float required_gain(float peak) const noexcept;

  /// Feeds the pre-limiter peak of the next block i and returns the gain point g_{i+1-K}.
  float push(float block_peak) noexcept;

  /// Feeds `blocks` peaks in order and writes what push() would return for each:
  /// gains[i] for peaks[i], bit for bit, and leaves the same state behind. Faster than
  /// single pushes (the sliding minimum and the box average run across blocks); it keeps
  /// work buffers that grow to the largest call.
  void push_many(const float* peaks, float* gains, std::int64_t blocks);

private:
  float threshold_; // linear
  float threshold_db_;
  float knee_db_; // ceiling - threshold, dB (<= 0: hard limit at the ceiling)
  float ceiling_; // linear
  float keep_;    // per-block release: share of the distance to m that remains
  int lookahead_;
  // Ring of the last K + 1 required gains, padded with 1s to a multiple of 4 floats.
  std::vector<float> required_;
  // Ring of the last K attenuations 1 - h, stored twice (at p and p + K) so that the K
  // values in time order are contiguous from the oldest one.
  std::vector<float> held_;
  std::size_t required_at_ = 0; // next write position in required_ (< K + 1)
  std::size_t held_at_ = 0;     // next write position (= oldest value) in held_ (< K)
  float depth_ = 0;             // 1 - h of the latest block
  int quiet_ = 0;               // consecutive pushes that left R = h = 1 (capped)
  // push_many work: the K previous required gains then one per block (later the sliding
  // minimum in place); the K - 1 previous attenuations then one per block.
  std::vector<float> many_required_, many_held_;
};

} // namespace auralis::dsp
