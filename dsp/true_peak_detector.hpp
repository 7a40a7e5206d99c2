#pragma once

#include <array>
#include <cstdint>

#include "dsp/simd.hpp"

namespace auralis::dsp {

/// True-peak (inter-sample peak) detection as the meter of ITU-R BS.1770-4 (Annex 2) does
/// it at 44.1 and 48 kHz: 4x oversampling by a polyphase FIR interpolator, the peak being
/// the largest magnitude of the oversampled signal. The interpolator is the one libebur128
/// measures with (EBUR128_MODE_TRUE_PEAK below 96 kHz): a 49-tap Hann-windowed sinc cut
/// at the source Nyquist frequency. Its phase 0 is the source sample itself, so a true
/// peak is never below the sample peak; phases 1-3 (12 taps each) are the values a
/// quarter, a half and three quarters of a frame after each sample.
///
/// The value a quarter-phase q after frame n reads frames n - 5 .. n + 6 (history_frames
/// before, lookahead_frames after). Stateless: callers keep the surrounding frames.
class true_peak_detector {
public:
  /// Oversampling factor.
  static constexpr int factor = 4;
  /// Length of the whole (non-polyphase) interpolation filter.
  static constexpr int taps = 49;
  /// Frames before frame n that the interpolated values after n read.
  static constexpr int history_frames = 5;
  /// Frames after frame n that the interpolated values after n read.
  static constexpr int lookahead_frames = 6;
  /// Frames per block of block_peaks().
  static constexpr int block_frames = 16;

  /// Coefficient `j` (0 <= j < taps) of the whole filter (symmetric, 1 at the centre).
  static double coefficient(int j) noexcept;

  /// Largest sum of coefficient magnitudes of a phase filter (about 1.3): no oversampled
  /// value exceeds this times the largest |sample| it reads.
  static double interpolator_gain() noexcept;

  /// For each of `blocks` blocks of block_frames interleaved stereo frames at `x`: the
  /// largest magnitude over both channels of the oversampled signal at every frame n of
  /// the block and a quarter, a half and three quarters of a frame after it, into
  /// peaks[block]. Reads frames -history_frames .. blocks * block_frames +
  /// lookahead_frames - 1 relative to `x`. `use` picks the kernel (simd::isa::generic or
  /// AVX2; they differ by float rounding). With `skip_reach` > 0, a block whose frames read
  /// are all within +-skip_reach is skipped: peaks[block] keeps its value (the caller's
  /// cheaper bound for blocks too quiet to matter).
  static void block_peaks(const float* x, std::int64_t blocks, float* peaks,
                          simd::isa use = simd::best_isa(), float skip_reach = 0) noexcept;

  /// True peak (linear) of `frames` interleaved stereo frames at `x` with silence before
  /// and after them: the largest magnitude over both channels of the oversampled signal.
  static float measure(const float* x, std::int64_t frames);
};

} // namespace auralis::dsp
