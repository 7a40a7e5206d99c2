#include "dsp/equalizer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace auralis::dsp {

using simd::v4sf;

equalizer::equalizer(const config::eq_gains& gains, double blend, int rate)
  : blend_(std::clamp(std::isfinite(blend) ? blend : 1.0, 0.0, 1.0)), rate_(rate) {
  if (rate <= 2 * high_shelf_hz)
    throw std::invalid_argument("equalizer: sample rate must be above 16 kHz");
  const double r = rate;
  const biquad_coefficients all[max_sections] = {
    biquad::low_shelf(low_shelf_hz, gains.low_db, r),
    biquad::peaking(low_mid_hz, gains.low_mid_db, peaking_q, r),
    biquad::peaking(mid_hz, gains.mid_db, peaking_q, r),
    biquad::peaking(high_mid_hz, gains.high_mid_db, peaking_q, r),
    biquad::high_shelf(high_shelf_hz, gains.high_db, r),
  };
  double gain = 1;
  for (const auto& c : all) {
    if (c.is_identity())
      continue;
    const auto k = sections_.size();
    b1_[k] = simd::splat(static_cast<float>(c.b1 / c.b0));
    b2_[k] = simd::splat(static_cast<float>(c.b2 / c.b0));
    a1_[k] = simd::splat(static_cast<float>(c.a1));
    a2_[k] = simd::splat(static_cast<float>(c.a2));
    gain *= c.b0;
    sections_.push_back(c);
  }
  dry_ = simd::splat(static_cast<float>(1 - blend_));
  wet_ = simd::splat(static_cast<float>(blend_ * gain));
}

std::complex<double> equalizer::response(double freq_hz) const {
  std::complex<double> h = 1;
  for (const auto& c : sections_)
    h *= biquad::response(c, freq_hz, rate_);
  return (1 - blend_) + blend_ * h;
}

double equalizer::response_db(double freq_hz) const {
  return 20 * std::log10(std::abs(response(freq_hz)));
}

void equalizer::reset() noexcept {
  h1_.fill(v4sf{});
  h2_.fill(v4sf{});
}

void equalizer::process(const float* in, float* out, std::int64_t frames) noexcept {
  dispatch<false>(in, out, nullptr, nullptr, frames);
}

void equalizer::process_pair(const float* in_a, float* out_a, const float* in_b, float* out_b,
                             std::int64_t frames) noexcept {
  dispatch<true>(in_a, out_a, in_b, out_b, frames);
}

template <bool Pair>
void equalizer::dispatch(const float* in_a, float* out_a, const float* in_b, float* out_b,
                         std::int64_t frames) noexcept {
  switch (sections_.size()) {
    case 0: run<0, Pair>(in_a, out_a, in_b, out_b, frames); break;
    case 1: run<1, Pair>(in_a, out_a, in_b, out_b, frames); break;
    case 2: run<2, Pair>(in_a, out_a, in_b, out_b, frames); break;
    case 3: run<3, Pair>(in_a, out_a, in_b, out_b, frames); break;
    case 4: run<4, Pair>(in_a, out_a, in_b, out_b, frames); break;
    default: run<5, Pair>(in_a, out_a, in_b, out_b, frames); break;
  }
}

template <int N, bool Pair>
void equalizer::run(const float* in_a, float* out_a, const float* in_b, float* out_b,
                    std::int64_t frames) noexcept {
  // State in locals so that the compiler keeps it in registers.
  v4sf h1[N + 1], h2[N + 1];
  for (int k = 0; k <= N; ++k) {
    h1[k] = h1_[k];
    h2[k] = h2_[k];
  }
  const v4sf dry = dry_, wet = wet_;
  // One frame of both streams, {left a, right a, left b, right b}: the filtered signal.
  const auto step = [&](v4sf s) {
    for (int k = 0; k < N; ++k) {
      // Everything but the newest input first, so that a section adds only one addition
      // to the path from its input to its output.
      const v4sf past =
        (b1_[k] * h1[k] + b2_[k] * h2[k]) - (a2_[k] * h2[k + 1] + a1_[k] * h1[k + 1]);
      const v4sf y = s + past;
      h2[k] = h1[k];
      h1[k] = s;
      s = y;
    }
    h2[N] = h1[N];
    h1[N] = s;
    return s;
  };
  std::int64_t i = 0;
  for (; i + 2 <= frames; i += 2) {
    const v4sf a = simd::load(in_a + 2 * i);
    const v4sf b = Pair ? simd::load(in_b + 2 * i) : v4sf{};
    const v4sf y0 = step(simd::low_halves(a, b));
    const v4sf y1 = step(simd::high_halves(a, b));
    simd::store(out_a + 2 * i, dry * a + wet * simd::low_halves(y0, y1));
    if (Pair)
      simd::store(out_b + 2 * i, dry * b + wet * simd::high_halves(y0, y1));
  }
  if (i < frames) {
    const v4sf x = {in_a[2 * i], in_a[2 * i + 1], Pair ? in_b[2 * i] : 0.f,
                    Pair ? in_b[2 * i + 1] : 0.f};
    const v4sf y = dry * x + wet * step(x);
    out_a[2 * i] = y[0];
    out_a[2 * i + 1] = y[1];
    if (Pair) {
      out_b[2 * i] = y[2];
      out_b[2 * i + 1] = y[3];
    }
  }
  for (int k = 0; k <= N; ++k) {
    h1_[k] = h1[k];
    h2_[k] = h2[k];
  }
}

} // namespace auralis::dsp
