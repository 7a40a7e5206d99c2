#include "dsp/biquad.hpp"

#include <cmath>
#include <stdexcept>

namespace auralis::dsp {

namespace {

constexpr double pi = 3.141592653589793;

void check_design(double freq_hz, double shape, double rate, double gain_db) {
  if (!(rate > 0) || !(freq_hz > 0) || !(freq_hz < rate / 2) || !(shape > 0) ||
      !std::isfinite(gain_db))
    throw std::invalid_argument("biquad: frequency must be in (0, rate/2), q/slope > 0, "
                                "gain finite");
}

biquad_coefficients normalised(double b0, double b1, double b2, double a0, double a1, double a2) {
  return {b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

/// The shelf designs share everything but the sign of the cosine terms.
biquad_coefficients shelf(bool high, double freq_hz, double gain_db, double rate, double slope) {
  check_design(freq_hz, slope, rate, gain_db);
  if (gain_db == 0)
    return {};
  const double a = std::pow(10.0, gain_db / 40.0);
  const double w0 = 2 * pi * freq_hz / rate;
  const double cw = std::cos(w0);
  const double alpha = std::sin(w0) / 2 * std::sqrt((a + 1 / a) * (1 / slope - 1) + 2);
  const double k = 2 * std::sqrt(a) * alpha;
  if (!high)
    return normalised(a * ((a + 1) - (a - 1) * cw + k), 2 * a * ((a - 1) - (a + 1) * cw),
                      a * ((a + 1) - (a - 1) * cw - k), (a + 1) + (a - 1) * cw + k,
                      -2 * ((a - 1) + (a + 1) * cw), (a + 1) + (a - 1) * cw - k);
  return normalised(a * ((a + 1) + (a - 1) * cw + k), -2 * a * ((a - 1) + (a + 1) * cw),
                    a * ((a + 1) + (a - 1) * cw - k), (a + 1) - (a - 1) * cw + k,
                    2 * ((a - 1) - (a + 1) * cw), (a + 1) - (a - 1) * cw - k);
}

} // namespace

biquad_coefficients biquad::low_shelf(double freq_hz, double gain_db, double rate, double slope) {
  return shelf(false, freq_hz, gain_db, rate, slope);
}

biquad_coefficients biquad::high_shelf(double freq_hz, double gain_db, double rate, double slope) {
  return shelf(true, freq_hz, gain_db, rate, slope);
}

biquad_coefficients biquad::peaking(double freq_hz, double gain_db, double q, double rate) {
  check_design(freq_hz, q, rate, gain_db);
  if (gain_db == 0)
    return {};
  const double a = std::pow(10.0, gain_db / 40.0);
  const double w0 = 2 * pi * freq_hz / rate;
  const double cw = std::cos(w0);
  const double alpha = std::sin(w0) / (2 * q);
  return normalised(1 + alpha * a, -2 * cw, 1 - alpha * a, 1 + alpha / a, -2 * cw, 1 - alpha / a);
}

std::complex<double> biquad::response(const biquad_coefficients& c, double freq_hz, double rate) {
  const std::complex<double> z1 = std::polar(1.0, -2 * pi * freq_hz / rate);
  const std::complex<double> z2 = z1 * z1;
  return (c.b0 + c.b1 * z1 + c.b2 * z2) / (1.0 + c.a1 * z1 + c.a2 * z2);
}

double biquad::response_db(const biquad_coefficients& c, double freq_hz, double rate) {
  return 20 * std::log10(std::abs(response(c, freq_hz, rate)));
}

} // namespace auralis::dsp
