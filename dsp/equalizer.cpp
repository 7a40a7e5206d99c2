#include "dsp/equalizer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AURALIS_EQ_WIDE 1
#endif

namespace auralis::dsp {

using simd::v4sf;

#if defined(AURALIS_EQ_WIDE)
namespace {

// Coefficients and state of the eight-lane kernel, borrowed from the equalizer.
struct wide_args {
  const v4sf* b1;
  const v4sf* b2;
  const v4sf* a1;
  const v4sf* a2;
  v4sf dry, wet;
  v4sf* h1[2]; // per pair: max_sections + 1 vectors
  v4sf* h2[2];
};

__attribute__((target("avx2,fma"), always_inline)) inline __m256 join(v4sf lo, v4sf hi) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1);
}

__attribute__((target("avx2,fma"), always_inline)) inline __m256 splat8(v4sf v) {
  return join(v, v);
}

/// simd::sanitise() on eight lanes.
__attribute__((target("avx2"), always_inline)) inline __m256 sanitise8(__m256 v) {
  const __m256i exponent = _mm256_set1_epi32(0x7f800000);
  const __m256i bits = _mm256_castps_si256(v);
  const __m256i non_finite = _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent);
  return _mm256_min_ps(_mm256_max_ps(_mm256_castsi256_ps(_mm256_andnot_si256(non_finite, bits)),
                                     _mm256_set1_ps(-simd::max_source_magnitude)),
                       _mm256_set1_ps(simd::max_source_magnitude));
}

/// The N active sections over four streams, lanes {a, b | c, d} (two stereo frames per
/// stream and iteration). Each section: y = (x + b1 x1 + b2 x2 - a2 y2) - a1 y1, with the
/// term on the previous output last, so that the feedback path is one fused multiply-add.
/// With Sanitise the input goes through simd::sanitise() (and is prefetched: it streams
/// from memory).
template <int N, bool Sanitise>
__attribute__((target("avx2,fma"))) void run_wide(const wide_args& w, const float* const in[4],
                                                  float* const out[4], std::int64_t frames) {
  __m256 h1[N + 1], h2[N + 1], b1[N > 0 ? N : 1], b2[N > 0 ? N : 1], a1[N > 0 ? N : 1],
    a2[N > 0 ? N : 1];
  for (int k = 0; k <= N; ++k) {
    h1[k] = join(w.h1[0][k], w.h1[1][k]);
    h2[k] = join(w.h2[0][k], w.h2[1][k]);
  }
  for (int k = 0; k < N; ++k) {
    b1[k] = splat8(w.b1[k]);
    b2[k] = splat8(w.b2[k]);
    a1[k] = splat8(w.a1[k]);
    a2[k] = splat8(w.a2[k]);
  }
  const __m256 dry = splat8(w.dry), wet = splat8(w.wet);
  const float* const ia = in[0];
  const float* const ib = in[1];
  const float* const ic = in[2];
  const float* const id = in[3];
  float* const oa = out[0];
  float* const ob = out[1];
  float* const oc = out[2];
  float* const od = out[3];
  std::int64_t i = 0;
  for (; i + 2 <= frames; i += 2) {
    if (Sanitise && i % 8 == 0) {
      // The source streams from memory: a cache line of each stream ahead.
      for (const float* p : {ia, ib, ic, id})
        simd::prefetch(p + 2 * i, simd::prefetch_floats);
    }
    // {a0 a1 | c0 c1} and {b0 b1 | d0 d1} -> frame 0 {a0 b0 | c0 d0}, frame 1 {a1 b1 | c1 d1}.
    __m256 ac = join(_mm_loadu_ps(ia + 2 * i), _mm_loadu_ps(ic + 2 * i));
    __m256 bd = join(_mm_loadu_ps(ib + 2 * i), _mm_loadu_ps(id + 2 * i));
    if (Sanitise) {
      ac = sanitise8(ac);
      bd = sanitise8(bd);
    }
    const __m256 x0 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(ac), _mm256_castps_pd(bd)));
    const __m256 x1 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(ac), _mm256_castps_pd(bd)));
    __m256 s0 = x0, s1 = x1;
    for (int k = 0; k < N; ++k) {
      // Frame 0.
      const __m256 p0 = _mm256_fnmadd_ps(
        a2[k], h2[k + 1], _mm256_fmadd_ps(b1[k], h1[k], _mm256_mul_ps(b2[k], h2[k])));
      const __m256 y0 = _mm256_fnmadd_ps(a1[k], h1[k + 1], _mm256_add_ps(s0, p0));
      // Frame 1: x1 = s0, x2 = the old x1; y1 = y0, y2 = the old y1.
      const __m256 p1 = _mm256_fnmadd_ps(
        a2[k], h1[k + 1], _mm256_fmadd_ps(b1[k], s0, _mm256_mul_ps(b2[k], h1[k])));
      const __m256 y1 = _mm256_fnmadd_ps(a1[k], y0, _mm256_add_ps(s1, p1));
      h2[k] = s0;
      h1[k] = s1;
      s0 = y0;
      s1 = y1;
    }
    h2[N] = s0;
    h1[N] = s1;
    const __m256 r0 = _mm256_fmadd_ps(wet, s0, _mm256_mul_ps(dry, x0));
    const __m256 r1 = _mm256_fmadd_ps(wet, s1, _mm256_mul_ps(dry, x1));
    const __m256 rac = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(r0), _mm256_castps_pd(r1)));
    const __m256 rbd = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(r0), _mm256_castps_pd(r1)));
    _mm_storeu_ps(oa + 2 * i, _mm256_castps256_ps128(rac));
    _mm_storeu_ps(oc + 2 * i, _mm256_extractf128_ps(rac, 1));
    _mm_storeu_ps(ob + 2 * i, _mm256_castps256_ps128(rbd));
    _mm_storeu_ps(od + 2 * i, _mm256_extractf128_ps(rbd, 1));
  }
  if (i < frames) {
    __m256 x = _mm256_setr_ps(ia[2 * i], ia[2 * i + 1], ib[2 * i], ib[2 * i + 1], ic[2 * i],
                              ic[2 * i + 1], id[2 * i], id[2 * i + 1]);
    if (Sanitise)
      x = sanitise8(x);
    __m256 s = x;
    for (int k = 0; k < N; ++k) {
      const __m256 p = _mm256_fnmadd_ps(
        a2[k], h2[k + 1], _mm256_fmadd_ps(b1[k], h1[k], _mm256_mul_ps(b2[k], h2[k])));
      const __m256 y = _mm256_fnmadd_ps(a1[k], h1[k + 1], _mm256_add_ps(s, p));
      h2[k] = h1[k];
      h1[k] = s;
      s = y;
    }
    h2[N] = h1[N];
    h1[N] = s;
    alignas(32) float r[8];
    _mm256_store_ps(r, _mm256_fmadd_ps(wet, s, _mm256_mul_ps(dry, x)));
    oa[2 * i] = r[0];
    oa[2 * i + 1] = r[1];
    ob[2 * i] = r[2];
    ob[2 * i + 1] = r[3];
    oc[2 * i] = r[4];
    oc[2 * i + 1] = r[5];
    od[2 * i] = r[6];
    od[2 * i + 1] = r[7];
  }
  for (int k = 0; k <= N; ++k) {
    _mm_storeu_ps(reinterpret_cast<float*>(&w.h1[0][k]), _mm256_castps256_ps128(h1[k]));
    _mm_storeu_ps(reinterpret_cast<float*>(&w.h1[1][k]), _mm256_extractf128_ps(h1[k], 1));
    _mm_storeu_ps(reinterpret_cast<float*>(&w.h2[0][k]), _mm256_castps256_ps128(h2[k]));
    _mm_storeu_ps(reinterpret_cast<float*>(&w.h2[1][k]), _mm256_extractf128_ps(h2[k], 1));
  }
}

/// run_wide() for `sections` active sections.
template <bool Sanitise>
void run_wide_any(std::size_t sections, const wide_args& w, const float* const in[4],
                  float* const out[4], std::int64_t frames) {
  switch (sections) {
    case 0: run_wide<0, Sanitise>(w, in, out, frames); break;
    case 1: run_wide<1, Sanitise>(w, in, out, frames); break;
    case 2: run_wide<2, Sanitise>(w, in, out, frames); break;
    case 3: run_wide<3, Sanitise>(w, in, out, frames); break;
    case 4: run_wide<4, Sanitise>(w, in, out, frames); break;
    default: run_wide<5, Sanitise>(w, in, out, frames); break;
  }
}

} // namespace
#endif

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
  for (auto& h : h1_)
    h.fill(v4sf{});
  for (auto& h : h2_)
    h.fill(v4sf{});
}

void equalizer::process(const float* in, float* out, std::int64_t frames) noexcept {
  dispatch<false>(in, out, nullptr, nullptr, frames, 0);
}

void equalizer::process_pair(const float* in_a, float* out_a, const float* in_b, float* out_b,
                             std::int64_t frames) noexcept {
  dispatch<true>(in_a, out_a, in_b, out_b, frames, 0);
}

void equalizer::process_quad(const float* const in[4], float* const out[4], std::int64_t frames,
                             simd::isa use, bool sanitise_input) noexcept {
#if defined(AURALIS_EQ_WIDE)
  if (simd::usable_isa(use) == simd::isa::avx2_fma) {
    const wide_args w{b1_.data(), b2_.data(), a1_.data(), a2_.data(), dry_, wet_,
                      {h1_[0].data(), h1_[1].data()}, {h2_[0].data(), h2_[1].data()}};
    if (sanitise_input)
      run_wide_any<true>(sections_.size(), w, in, out, frames);
    else
      run_wide_any<false>(sections_.size(), w, in, out, frames);
    return;
  }
#else
  (void)use;
#endif
  const float* from[4] = {in[0], in[1], in[2], in[3]};
  if (sanitise_input)
    for (int s = 0; s < 4; ++s) {
      simd::sanitise_copy(in[s], out[s], 2 * frames);
      from[s] = out[s];
    }
  dispatch<true>(from[0], out[0], from[1], out[1], frames, 0);
  dispatch<true>(from[2], out[2], from[3], out[3], frames, 1);
}

template <bool Pair>
void equalizer::dispatch(const float* in_a, float* out_a, const float* in_b, float* out_b,
                         std::int64_t frames, int pair) noexcept {
  switch (sections_.size()) {
    case 0: run<0, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
    case 1: run<1, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
    case 2: run<2, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
    case 3: run<3, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
    case 4: run<4, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
    default: run<5, Pair>(in_a, out_a, in_b, out_b, frames, pair); break;
  }
}

template <int N, bool Pair>
void equalizer::run(const float* in_a, float* out_a, const float* in_b, float* out_b,
                    std::int64_t frames, int pair) noexcept {
  state& h1_state = h1_[static_cast<std::size_t>(pair)];
  state& h2_state = h2_[static_cast<std::size_t>(pair)];
  // State in locals so that the compiler keeps it in registers.
  v4sf h1[N + 1], h2[N + 1];
  for (int k = 0; k <= N; ++k) {
    h1[k] = h1_state[k];
    h2[k] = h2_state[k];
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
    h1_state[k] = h1[k];
    h2_state[k] = h2[k];
  }
}

} // namespace auralis::dsp
