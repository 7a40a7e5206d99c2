#pragma once

#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include "config/preset.hpp"
#include "dsp/biquad.hpp"
#include "dsp/simd.hpp"

namespace auralis::dsp {

/// The five-band mastering EQ of a preset (RBJ biquads in cascade: low shelf 200 Hz, peaking
/// 400 Hz, 1.5 kHz and 5 kHz, high shelf 8 kHz), mixed with the dry signal by `blend`:
/// out = (1 - blend) * in + blend * EQ(in). Bands with a gain of exactly 0 dB are skipped.
///
/// Processes interleaved stereo float with both channels in one vector, and can run two
/// independent streams ("a" and "b", e.g. two far-apart spans of one track) in one pass,
/// which fills the four lanes of a generic vector, or four streams ("a" to "d") in one
/// pass, which fills the eight lanes of an AVX2 vector (process_quad). Each stream keeps
/// its filter state across calls until reset(). Sections run in normalised direct form I
/// in float; their impulse responses decay below float resolution within about 20 ms. The
/// AVX2 kernel rounds differently (fused multiply-adds), so its output differs from the
/// generic one by float rounding, which the low shelf's poles near z = 1 amplify to about
/// 1e-5 on full-scale music (below -90 dBFS).
class equalizer {
public:
  /// Corner or centre frequencies of the five bands, Hz, and the Q of the peaking bands.
  static constexpr double low_shelf_hz = 200, low_mid_hz = 400, mid_hz = 1500, high_mid_hz = 5000,
                          high_shelf_hz = 8000, peaking_q = 0.7;

  /// Designs the bands for `rate` Hz (> 16 kHz, so that 8 kHz is below Nyquist). `blend`
  /// is clamped to 0..1. Throws std::invalid_argument for a bad rate or a non-finite gain.
  equalizer(const config::eq_gains& gains, double blend, int rate);

  /// The active (non-identity) sections, low to high.
  const std::vector<biquad_coefficients>& sections() const noexcept { return sections_; }

  /// Complex response of the whole EQ including the dry blend at `freq_hz`.
  std::complex<double> response(double freq_hz) const;

  /// Magnitude of response(), dB.
  double response_db(double freq_hz) const;

  /// Clears the state of both streams (as if preceded by silence).
  void reset() noexcept;

  /// Filters `frames` stereo frames of stream a from `in` to `out` (may be equal).
  void process(const float* in, float* out, std::int64_t frames) noexcept;

  /// Filters stream a (`in_a` -> `out_a`) and stream b (`in_b` -> `out_b`), `frames` frames
  /// each, in one pass. Output buffers may equal their inputs but not the other stream's.
  void process_pair(const float* in_a, float* out_a, const float* in_b, float* out_b,
                    std::int64_t frames) noexcept;

  /// Filters four streams, in[s] -> out[s] for s = 0..3 (streams a, b, c, d), `frames`
  /// frames each, in one pass: the AVX2 kernel when `use` is simd::isa::avx2_fma and the
  /// machine runs it, otherwise two generic pair passes (a with b, c with d). Streams a and
  /// b share their state with process() and process_pair(). An output buffer may equal its
  /// own input but no other stream's buffers. With `sanitise_input` the EQ reads every
  /// input sample through simd::sanitise() (NaN and Inf as 0, magnitudes clamped to
  /// simd::max_source_magnitude): the AVX2 kernel on the fly, so raw source can stream in
  /// without a copy, the generic passes from a sanitised copy in the output buffers.
  void process_quad(const float* const in[4], float* const out[4], std::int64_t frames,
                    simd::isa use = simd::best_isa(), bool sanitise_input = false) noexcept;

private:
  static constexpr int max_sections = 5;

  // The N active sections and the dry blend over stream a (and b with Pair).
  template <int N, bool Pair>
  void run(const float* in_a, float* out_a, const float* in_b, float* out_b,
           std::int64_t frames, int pair) noexcept;
  template <bool Pair>
  void dispatch(const float* in_a, float* out_a, const float* in_b, float* out_b,
                std::int64_t frames, int pair) noexcept;

  std::vector<biquad_coefficients> sections_;
  double blend_;
  int rate_;
  // Per section, the normalised coefficients b1/b0, b2/b0, a1, a2 in every lane; the
  // product of the b0s is folded into wet_.
  std::array<simd::v4sf, max_sections> b1_{}, b2_{}, a1_{}, a2_{};
  simd::v4sf dry_{}, wet_{};
  // h1_[p][k], h2_[p][k]: input of section k one and two frames back; h*_[p][N] is the
  // output. Lanes: left, right of stream 2p, then left, right of stream 2p + 1 (so pair 0
  // holds streams a and b, pair 1 streams c and d: the eight AVX2 lanes in order).
  using state = std::array<simd::v4sf, max_sections + 1>;
  std::array<state, 2> h1_{}, h2_{};
};

} // namespace auralis::dsp
