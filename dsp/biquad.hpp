#pragma once

#include <complex>

namespace auralis::dsp {

/// Coefficients of one second-order section, normalised so that a0 = 1:
/// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2].
struct biquad_coefficients {
  double b0 = 1; ///< feed-forward, current input
  double b1 = 0; ///< feed-forward, one frame back
  double b2 = 0; ///< feed-forward, two frames back
  double a1 = 0; ///< feedback, one frame back
  double a2 = 0; ///< feedback, two frames back

  /// True for the identity section (b0 = 1, everything else 0).
  bool is_identity() const noexcept { return b0 == 1 && b1 == 0 && b2 == 0 && a1 == 0 && a2 == 0; }
};

/// Biquad designs from R. Bristow-Johnson's "Audio EQ Cookbook", and their response.
/// Frequencies in Hz, gains in dB, `rate` in Hz; a gain of exactly 0 dB gives the identity
/// section. Designs need 0 < freq_hz < rate / 2 and q (or slope) > 0; otherwise they throw
/// std::invalid_argument.
class biquad {
public:
  /// Low shelf with corner `freq_hz` and shelf slope `slope` (1 = steepest without overshoot).
  static biquad_coefficients low_shelf(double freq_hz, double gain_db, double rate,
                                       double slope = 1.0);

  /// High shelf with corner `freq_hz` and shelf slope `slope`.
  static biquad_coefficients high_shelf(double freq_hz, double gain_db, double rate,
                                        double slope = 1.0);

  /// Peaking (bell) filter centred on `freq_hz` with quality `q`.
  static biquad_coefficients peaking(double freq_hz, double gain_db, double q, double rate);

  /// Complex frequency response of `c` at `freq_hz` (0..rate/2).
  static std::complex<double> response(const biquad_coefficients& c, double freq_hz, double rate);

  /// Magnitude response of `c` at `freq_hz` (0..rate/2), dB.
  static double response_db(const biquad_coefficients& c, double freq_hz, double rate);
};

} // namespace auralis::dsp
