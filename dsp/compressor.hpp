#pragma once

#include <cstdint>

#include "config/preset.hpp"

namespace auralis::dsp {

/// Feed-forward compressor gain computer, run at control rate: one decision per block of
/// block_frames frames. The caller feeds each block's mean square (of both channels) in
/// order and applies the returned gains at block boundaries, interpolating linearly in
/// between. The level detector works in dB with separate attack and release smoothing; the
/// static curve is a hard knee: above threshold_db the output rises 1/ratio dB per input dB.
///
/// The envelope starts (and rests, under digital silence) at floor_db, where no gain
/// reduction happens, so a run that starts on silence equals a run preceded by any amount
/// of silence. Two runs fed the same blocks converge at least as fast as the release time
/// constant, whatever their starting envelopes.
class compressor {
public:
  /// Frames per control block.
  static constexpr int block_frames = 16;
  /// Lowest level the detector reports, dB (mean squares below 1e-12 read as this).
  static constexpr float floor_db = -120.0f;

  /// Sets up for `params` at `rate` Hz. Ratio below 1 is taken as 1, attack and release
  /// below 0.01 ms as 0.01 ms. Throws std::invalid_argument for a non-positive rate or
  /// non-finite values.
  compressor(const config::compressor_params& params, int rate);

  /// Envelope back to floor_db.
  void reset() noexcept { envelope_db_ = floor_db; }

  /// Takes the mean square of the next block (sum of squares of both channels / (2 *
  /// block_frames); NaN or negative reads as silence, levels above
  /// +120 dB as +120 dB) and returns the compressor gain for
  /// the boundary at the end of that block: linear, in (0, 1].
  float next_gain(float mean_square) noexcept;

  /// Feeds `blocks` mean squares in order and writes what next_gain() would return for
  /// each, gains[i] for mean_squares[i], bit for bit (faster: the level and gain curves run
  /// four blocks at a time). `gains` may equal `mean_squares`.
  void next_gains(const float* mean_squares, float* gains, std::int64_t blocks) noexcept;

  /// Current detector envelope, dB.
  float envelope_db() const noexcept { return envelope_db_; }

  /// Static curve: gain reduction (dB, >= 0) for a detector level of `level_db`.
  float reduction_db(float level_db) const noexcept;

private:
  float threshold_db_;
  float slope_;  // 1 - 1/ratio
  float attack_; // per-block smoothing coefficients, 0..1
  float release_;
  float envelope_db_ = floor_db;
};

} // namespace auralis::dsp
