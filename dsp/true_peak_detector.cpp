#include "dsp/true_peak_detector.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AURALIS_TRUE_PEAK_WIDE 1
#endif

namespace auralis::dsp {

namespace {

using simd::v4sf;

constexpr int pairs = 6; // taps per phase / 2

/// The phase filters folded on their symmetry. With a_k = x[n + 6 - k] and
/// b_k = x[n - 5 + k] (k < 6) and h1, h2, h3 the phase filters (h1[k] = h(1 + 4k)):
///   y(n + 1/2) = sum h2[k] (a_k + b_k)                    (h2 is symmetric)
///   y(n + 1/4) + y(n + 3/4) = sum (h1[k] + h3[k]) (a_k + b_k) = P
///   y(n + 1/4) - y(n + 3/4) = sum (h1[k] - h3[k]) (a_k - b_k) = M
/// (h3 is h1 reversed), and max(|y(n + 1/4)|, |y(n + 3/4)|) = (|P| + |M|) / 2.
struct folded {
  float half[pairs];
  float sum[pairs];
  float difference[pairs];
  double gain = 0; // largest sum of |coefficient| of a phase
  folded() {
    for (int q = 0; q < true_peak_detector::factor; ++q) {
      double g = 0;
      for (int j = q; j < true_peak_detector::taps; j += true_peak_detector::factor)
        g += std::fabs(true_peak_detector::coefficient(j));
      gain = std::max(gain, g);
    }
    for (int k = 0; k < pairs; ++k) {
      const double h1 = true_peak_detector::coefficient(1 + 4 * k);
      const double h2 = true_peak_detector::coefficient(2 + 4 * k);
      const double h3 = true_peak_detector::coefficient(3 + 4 * k);
      half[k] = static_cast<float>(h2);
      sum[k] = static_cast<float>(h1 + h3);
      difference[k] = static_cast<float>(h1 - h3);
    }
  }
};

const folded& filters() {
  static const folded f;
  return f;
}

/// Largest |x| over frames [-history_frames, block_frames + lookahead_frames) of block j
/// (an even count of floats, 54).
float reach_peak(const float* x, std::int64_t j) noexcept {
  constexpr int first = -true_peak_detector::history_frames;
  constexpr int floats =
    2 * (true_peak_detector::history_frames + true_peak_detector::block_frames +
         true_peak_detector::lookahead_frames);
  const float* at = x + 2 * (j * true_peak_detector::block_frames + first);
  v4sf top{};
  int i = 0;
  for (; i + 4 <= floats; i += 4)
    top = simd::max(top, simd::abs(simd::load(at + i)));
  float m = simd::hmax(top);
  for (; i < floats; ++i)
    m = std::max(m, std::fabs(at[i]));
  return m;
}

void block_peaks_generic(const float* x, std::int64_t blocks, float* peaks,
                         float skip_reach) noexcept {
  const folded& f = filters();
  const v4sf half = simd::splat(0.5f);
  for (std::int64_t j = 0; j < blocks; ++j) {
    if (skip_reach > 0 && reach_peak(x, j) <= skip_reach)
      continue;
    v4sf top{};
    for (int v = 0; v < true_peak_detector::block_frames; v += 2) {
      const float* at = x + 2 * (j * true_peak_detector::block_frames + v);
      v4sf y2{}, p{}, m{};
      for (int k = 0; k < pairs; ++k) {
        const v4sf a = simd::load(at + 2 * (6 - k));
        const v4sf b = simd::load(at + 2 * (k - 5));
        const v4sf s = a + b;
        y2 += f.half[k] * s;
        p += f.sum[k] * s;
        m += f.difference[k] * (a - b);
      }
      top = simd::max(top, simd::abs(simd::load(at)));
      top = simd::max(top, simd::abs(y2));
      top = simd::max(top, half * (simd::abs(p) + simd::abs(m)));
    }
    peaks[j] = simd::hmax(top);
  }
}

#if defined(AURALIS_TRUE_PEAK_WIDE)
__attribute__((target("avx2,fma"))) void block_peaks_wide(const float* x, std::int64_t blocks,
                                                          float* peaks, float skip_reach) noexcept {
  const folded& f = filters();
  __m256 half[pairs], sum[pairs], difference[pairs];
  for (int k = 0; k < pairs; ++k) {
    half[k] = _mm256_set1_ps(f.half[k]);
    sum[k] = _mm256_set1_ps(f.sum[k]);
    difference[k] = _mm256_set1_ps(f.difference[k]);
  }
  const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  const __m256 one_half = _mm256_set1_ps(0.5f);
  const __m256 skip = _mm256_set1_ps(skip_reach);
  for (std::int64_t j = 0; j < blocks; ++j) {
    if (skip_reach > 0) {
      // Frames -5 .. 21 of the block: 54 floats, as six vectors and the last 6 floats
      // (read as the vector ending there).
      const float* at = x + 2 * (j * true_peak_detector::block_frames - 5);
      __m256 reach = _mm256_and_ps(_mm256_loadu_ps(at), magnitude);
      for (int i = 8; i + 8 <= 54; i += 8)
        reach = _mm256_max_ps(reach, _mm256_and_ps(_mm256_loadu_ps(at + i), magnitude));
      reach = _mm256_max_ps(reach, _mm256_and_ps(_mm256_loadu_ps(at + 46), magnitude));
      if (_mm256_movemask_ps(_mm256_cmp_ps(reach, skip, _CMP_GT_OQ)) == 0)
        continue;
    }
    __m256 top = _mm256_setzero_ps();
    for (int v = 0; v < true_peak_detector::block_frames; v += 4) {
      const float* at = x + 2 * (j * true_peak_detector::block_frames + v);
      __m256 y2 = _mm256_setzero_ps(), p = _mm256_setzero_ps(), m = _mm256_setzero_ps();
      for (int k = 0; k < pairs; ++k) {
        const __m256 a = _mm256_loadu_ps(at + 2 * (6 - k));
        const __m256 b = _mm256_loadu_ps(at + 2 * (k - 5));
        const __m256 s = _mm256_add_ps(a, b);
        y2 = _mm256_fmadd_ps(half[k], s, y2);
        p = _mm256_fmadd_ps(sum[k], s, p);
        m = _mm256_fmadd_ps(difference[k], _mm256_sub_ps(a, b), m);
      }
      const __m256 quarters =
        _mm256_mul_ps(one_half, _mm256_add_ps(_mm256_and_ps(p, magnitude), _mm256_and_ps(m, magnitude)));
      top = _mm256_max_ps(top, _mm256_and_ps(_mm256_loadu_ps(at), magnitude));
      top = _mm256_max_ps(top, _mm256_and_ps(y2, magnitude));
      top = _mm256_max_ps(top, quarters);
    }
    const __m128 t4 = _mm_max_ps(_mm256_castps256_ps128(top), _mm256_extractf128_ps(top, 1));
    const __m128 t2 = _mm_max_ps(t4, _mm_movehl_ps(t4, t4));
    peaks[j] = _mm_cvtss_f32(_mm_max_ss(t2, _mm_shuffle_ps(t2, t2, 1)));
  }
}

/// Zeroes the upper halves of the YMM registers (a tail call out of the AVX2 kernel would
/// leave them dirty and slow every later SSE instruction on the thread).
__attribute__((target("avx"))) void zero_upper_halves() noexcept { _mm256_zeroupper(); }
#endif

} // namespace

double true_peak_detector::coefficient(int j) noexcept {
  // As libebur128 builds its interpolator: sinc at the source Nyquist frequency, Hann
  // window over the whole length.
  constexpr double pi = 3.14159265358979323846;
  const double m = j - (taps - 1) / 2.0;
  const double c = std::fabs(m) > 1e-6 ? std::sin(m * pi / factor) / (m * pi / factor) : 1.0;
  return c * 0.5 * (1 - std::cos(2 * pi * j / (taps - 1)));
}

double true_peak_detector::interpolator_gain() noexcept { return filters().gain; }

void true_peak_detector::block_peaks(const float* x, std::int64_t blocks, float* peaks,
                                     simd::isa use, float skip_reach) noexcept {
#if defined(AURALIS_TRUE_PEAK_WIDE)
  if (simd::usable_isa(use) == simd::isa::avx2_fma) {
    block_peaks_wide(x, blocks, peaks, skip_reach);
    zero_upper_halves();
    return;
  }
#endif
  (void)use;
  block_peaks_generic(x, blocks, peaks, skip_reach);
}

float true_peak_detector::measure(const float* x, std::int64_t frames) {
  if (frames <= 0)
    return 0;
  // Positions up to lookahead_frames past the end still ring with the last samples.
  const std::int64_t positions = frames + lookahead_frames;
  const std::int64_t blocks = (positions + block_frames - 1) / block_frames;
  std::vector<float> padded(
    static_cast<std::size_t>(2 * (history_frames + blocks * block_frames + lookahead_frames)),
    0.0f);
  std::copy(x, x + 2 * frames, padded.begin() + 2 * history_frames);
  std::vector<float> peaks(static_cast<std::size_t>(blocks));
  block_peaks(padded.data() + 2 * history_frames, blocks, peaks.data(), simd::isa::generic);
  return *std::max_element(peaks.begin(), peaks.end());
}

} // namespace auralis::dsp
