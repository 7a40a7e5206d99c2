#include "dsp/compressor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dsp/simd.hpp"

namespace auralis::dsp {

namespace {

/// One-pole smoothing coefficient per control block for time constant `ms`.
float block_coefficient(double ms, int rate) {
  const double frames = std::max(ms, 0.01) * 1e-3 * rate;
  return static_cast<float>(1.0 - std::exp(-compressor::block_frames / frames));
}

} // namespace

compressor::compressor(const config::compressor_params& params, int rate) {
  if (rate <= 0 || !std::isfinite(params.ratio) || !std::isfinite(params.threshold_db) ||
      !std::isfinite(params.attack_ms) || !std::isfinite(params.release_ms))
    throw std::invalid_argument("compressor: rate must be positive and parameters finite");
  threshold_db_ = static_cast<float>(params.threshold_db);
  slope_ = static_cast<float>(1.0 - 1.0 / std::max(params.ratio, 1.0));
  attack_ = block_coefficient(params.attack_ms, rate);
  release_ = block_coefficient(params.release_ms, rate);
}

float compressor::reduction_db(float level_db) const noexcept {
  return std::max(level_db - threshold_db_, 0.0f) * slope_;
}

float compressor::next_gain(float mean_square) noexcept {
  // 10*log10(x) = log2(x) * 10*log10(2).
  const float level = mean_square > 1e-12f
                        ? std::min(3.0102999566f * simd::fast_log2(mean_square), -floor_db)
                        : floor_db;
  const float coeff = level > envelope_db_ ? attack_ : release_;
  envelope_db_ += coeff * (level - envelope_db_);
  const float reduction = reduction_db(envelope_db_);
  // 10^(-r/20) = 2^(-r * log2(10)/20).
  return reduction > 0 ? simd::fast_exp2(-0.16609640474f * reduction) : 1.0f;
}

void compressor::next_gains(const float* mean_squares, float* gains,
                            std::int64_t blocks) noexcept {
  using simd::v4sf;
  using simd::v4si;
  const auto levels = [](v4sf ms) {
    const v4sf level = simd::min(3.0102999566f * simd::fast_log2(ms), simd::splat(-floor_db));
    const v4si loud = ms > 1e-12f; // false for NaN
    return loud ? level : simd::splat(floor_db);
  };
  const auto curve = [this](v4sf envelope) {
    const v4sf reduction = simd::max(envelope - threshold_db_, simd::splat(0.0f)) * slope_;
    return reduction > 0.0f ? simd::fast_exp2(-0.16609640474f * reduction) : simd::splat(1.0f);
  };
  // Whole groups of four blocks in three passes (levels, the envelope recursion block by
  // block, the curve), so that the vector work of many blocks overlaps the recursion;
  // `gains` holds the levels, then the envelope. The rest one by one.
  const std::int64_t whole = blocks / 4 * 4;
  for (std::int64_t i = 0; i < whole; i += 4)
    simd::store(gains + i, levels(simd::load(mean_squares + i)));
  float envelope = envelope_db_;
  for (std::int64_t i = 0; i < whole; ++i) {
    const float level = gains[i];
    const float coeff = level > envelope ? attack_ : release_;
    envelope += coeff * (level - envelope);
    gains[i] = envelope;
  }
  envelope_db_ = envelope;
  for (std::int64_t i = 0; i < whole; i += 4)
    simd::store(gains + i, curve(simd::load(gains + i)));
  for (std::int64_t i = whole; i < blocks; ++i)
    gains[i] = next_gain(mean_squares[i]);
}

} // namespace auralis::dsp
