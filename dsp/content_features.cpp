#include "dsp/content_features.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dsp/simd.hpp"

namespace auralis::dsp {

namespace {

using simd::v4sf;

constexpr double pi = 3.141592653589793;

float clamp01(double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); }

} // namespace

content_features::content_features()
  : window_(fft_size), twiddle_re_(fft_size / 2), twiddle_im_(fft_size / 2), re_(fft_size),
    im_(fft_size), magnitude_(fft_size / 2 + 1) {
  for (int i = 0; i < fft_size; ++i)
    window_[i] = static_cast<float>(0.5 - 0.5 * std::cos(2 * pi * i / fft_size));
  for (int i = 0; i < fft_size / 2; ++i) {
    twiddle_re_[i] = static_cast<float>(std::cos(-2 * pi * i / fft_size));
    twiddle_im_[i] = static_cast<float>(std::sin(-2 * pi * i / fft_size));
  }
}

void content_features::fft(float* re, float* im) const {
  const int n = fft_size;
  for (int i = 1, j = 0; i < n; ++i) {
    int bit = n >> 1;
    for (; j & bit; bit >>= 1)
      j ^= bit;
    j ^= bit;
    if (i < j) {
      std::swap(re[i], re[j]);
      std::swap(im[i], im[j]);
    }
  }
  for (int len = 2; len <= n; len <<= 1) {
    const int half = len / 2;
    const int step = n / len;
    for (int i = 0; i < n; i += len)
      for (int k = 0; k < half; ++k) {
        const float wr = twiddle_re_[k * step], wi = twiddle_im_[k * step];
        const float xr = re[i + k + half], xi = im[i + k + half];
        const float vr = xr * wr - xi * wi;
        const float vi = xr * wi + xi * wr;
        re[i + k + half] = re[i + k] - vr;
        im[i + k + half] = im[i + k] - vi;
        re[i + k] += vr;
        im[i + k] += vi;
      }
  }
}

chunk_features content_features::compute(const float* in, std::int64_t frames, int rate) {
  if (rate <= 0 || frames < 0)
    throw std::invalid_argument("content_features: rate must be positive, frames >= 0");
  chunk_features f;
  f.dynamics = 0.5f;
  if (frames == 0)
    return f;
  // Mono mix, sanitised, padded to a multiple of 4.
  const std::int64_t padded = (frames + 3) / 4 * 4;
  if (mono_.size() < static_cast<std::size_t>(padded))
    mono_.resize(static_cast<std::size_t>(padded));
  float* m = mono_.data();
  std::int64_t i = 0;
  for (; i + 4 <= frames; i += 4) {
    const v4sf a = simd::sanitise(simd::load(in + 2 * i));
    const v4sf b = simd::sanitise(simd::load(in + 2 * i + 4));
    simd::store(m + i, (__builtin_shufflevector(a, b, 0, 2, 4, 6) +
                        __builtin_shufflevector(a, b, 1, 3, 5, 7)) *
                         0.5f);
  }
  for (; i < frames; ++i)
    m[i] = 0.5f * (simd::sanitise(in[2 * i]) + simd::sanitise(in[2 * i + 1]));
  std::fill(m + frames, m + padded, 0.0f);

  // Sums in float vector lanes over slices of frames, accumulated in double across slices.
  const auto w = std::max<std::int64_t>(1, std::llround(0.010 * rate));
  const auto sum = [&](std::int64_t lo, std::int64_t hi, auto vector_term, auto scalar_term) {
    constexpr std::int64_t slice = 4096;
    double total = 0;
    for (std::int64_t s = lo; s < hi; s += slice) {
      const std::int64_t e = std::min(hi, s + slice);
      v4sf acc{};
      std::int64_t n = s;
      for (; n + 4 <= e; n += 4)
        acc += vector_term(n);
      float tail = 0;
      for (; n < e; ++n)
        tail += scalar_term(n);
      total += static_cast<double>(simd::hsum(acc)) + tail;
    }
    return total;
  };
  const double squares = sum(
    0, frames,
    [&](std::int64_t n) {
      const v4sf v = simd::load(m + n);
      return v * v;
    },
    [&](std::int64_t n) { return m[n] * m[n]; });
  const double steps = sum(
    1, frames, [&](std::int64_t n) { return simd::abs(simd::load(m + n) - simd::load(m + n - 1)); },
    [&](std::int64_t n) { return std::fabs(m[n] - m[n - 1]); });
  // Envelope per 10 ms block, and the mean size of its steps.
  const std::int64_t blocks = frames / w;
  double swings = 0, previous = 0;
  for (std::int64_t k = 0; k < blocks; ++k) {
    const double level =
      sum(
        k * w, (k + 1) * w, [&](std::int64_t n) { return simd::abs(simd::load(m + n)); },
        [&](std::int64_t n) { return std::fabs(m[n]); }) /
      static_cast<double>(w);
    if (k > 0)
      swings += std::fabs(level - previous);
    previous = level;
  }
  v4sf pk{};
  for (std::int64_t n = 0; n < padded; n += 4)
    pk = simd::max(pk, simd::abs(simd::load(m + n)));
  const float peak = simd::hmax(pk);
  const double rms = std::sqrt(squares / static_cast<double>(frames));
  f.energy = clamp01(10 * rms);
  if (frames > 1)
    f.brightness = clamp01(100 * steps / static_cast<double>(frames - 1));
  if (rms > 0)
    f.dynamics = clamp01(20 * std::log10(peak / rms) / 20);
  if (blocks > 1)
    f.rhythmic_energy =
      clamp01(200 * swings / static_cast<double>(w) / static_cast<double>(blocks - 1));

  // Spectral centroid over up to max_windows windows, transformed two at a time: the FFT
  // of a + i*b gives A[k] = (Z[k] + conj(Z[n-k])) / 2 and B[k] = (Z[k] - conj(Z[n-k])) / 2i.
  const std::int64_t windows = std::clamp<std::int64_t>(frames / fft_size, 1, max_windows);
  const std::int64_t segment = frames / windows;
  const auto window_start = [&](std::int64_t wi) -> std::int64_t {
    const std::int64_t room = segment - fft_size;
    if (room <= 0)
      return wi * segment;
    // Knuth's multiplicative hash of the window index: a fixed, irregular offset.
    const std::uint32_t h = static_cast<std::uint32_t>(wi + 1) * 2654435761u;
    return wi * segment + static_cast<std::int64_t>(h % static_cast<std::uint32_t>(room + 1));
  };
  const auto windowed = [&](std::int64_t start, int k) {
    return start + k < frames ? m[start + k] * window_[k] : 0.0f;
  };
  std::fill(magnitude_.begin(), magnitude_.end(), 0.0);
  for (std::int64_t wi = 0; wi < windows; wi += 2) {
    const std::int64_t sa = window_start(wi);
    const bool pair = wi + 1 < windows;
    const std::int64_t sb = pair ? window_start(wi + 1) : 0;
    for (int k = 0; k < fft_size; ++k) {
      re_[k] = windowed(sa, k);
      im_[k] = pair ? windowed(sb, k) : 0.0f;
    }
    fft(re_.data(), im_.data());
    const auto magnitude = [](float r, float i) { return std::sqrt(r * r + i * i); };
    for (int k = 0; k <= fft_size / 2; ++k) {
      // Z[k] and conj(Z[n - k]).
      const int c = (fft_size - k) % fft_size;
      const float zr = re_[k], zi = im_[k], cr = re_[c], ci = -im_[c];
      magnitude_[k] += 0.5 * magnitude(zr + cr, zi + ci);
      if (pair)
        magnitude_[k] += 0.5 * magnitude(zr - cr, zi - ci);
    }
  }
  double total = 0, moment = 0;
  for (int k = 0; k <= fft_size / 2; ++k) {
    total += magnitude_[k];
    moment += magnitude_[k] * k;
  }
  if (total > 0) {
    const double centroid_hz = moment / total * rate / fft_size;
    f.vocal_presence = clamp01((centroid_hz - voice_low_hz) / (voice_high_hz - voice_low_hz));
  }
  return f;
}

} // namespace auralis::dsp
