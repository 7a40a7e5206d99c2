#pragma once

// Helpers shared by the dsp tests: presets, test signals, chunked and continuous renders.

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <ebur128.h>

#include "config/config_loader.hpp"
#include "config/preset.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::test {

/// The five presets of config/presets.json (the compiled-in copy).
inline const std::vector<config::preset>& presets() {
  static const config::preset_set set =
    config::config_loader::parse_presets(config::embedded_presets_json, "(embedded presets)");
  return set.all();
}

/// Interleaved stereo pink-ish noise (Paul Kellet's filter), `frames` frames, RMS about
/// `rms`, independent channels.
inline std::vector<float> pink_noise(std::int64_t frames, double rms, unsigned seed) {
  std::vector<float> out(static_cast<std::size_t>(2 * frames));
  std::mt19937 rng(seed);
  std::normal_distribution<double> white(0, 1);
  for (int c = 0; c < 2; ++c) {
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (std::int64_t i = 0; i < frames; ++i) {
      const double w = white(rng);
      b0 = 0.99886 * b0 + w * 0.0555179;
      b1 = 0.99332 * b1 + w * 0.0750759;
      b2 = 0.96900 * b2 + w * 0.1538520;
      b3 = 0.86650 * b3 + w * 0.3104856;
      b4 = 0.55000 * b4 + w * 0.5329522;
      b5 = -0.7616 * b5 - w * 0.0168980;
      out[2 * i + c] = static_cast<float>((b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362) * 0.11);
      b6 = w * 0.115926;
    }
  }
  double sum = 0;
  for (float v : out)
    sum += static_cast<double>(v) * v;
  const double scale = rms / std::sqrt(sum / static_cast<double>(out.size()));
  for (auto& v : out)
    v = static_cast<float>(v * scale);
  return out;
}

/// Frames of an interleaved stereo buffer.
inline std::int64_t frames_of(const std::vector<float>& v) {
  return static_cast<std::int64_t>(v.size() / 2);
}

/// One render of the whole track (start 0, no pre-roll, everything after it silence).
inline std::vector<float> render_continuous(dsp::mastering_chain& chain,
                                            const std::vector<float>& track, double intensity,
                                            double gain_db) {
  std::vector<float> out(track.size());
  dsp::render_request r;
  r.input = track.data();
  r.input_frames = frames_of(track);
  r.output_frames = frames_of(track);
  r.intensity = intensity;
  r.loudness_gain_db = gain_db;
  chain.render_float(r, out.data());
  return out;
}

/// Source span [first, first + count) of `track` with zeros outside it (what
/// codec::audio_source::read returns).
inline std::vector<float> read_span(const std::vector<float>& track, std::int64_t first,
                                    std::int64_t count) {
  std::vector<float> out(static_cast<std::size_t>(2 * count), 0.0f);
  const std::int64_t n = frames_of(track);
  for (std::int64_t i = 0; i < count; ++i)
    if (first + i >= 0 && first + i < n) {
      out[2 * i] = track[2 * (first + i)];
      out[2 * i + 1] = track[2 * (first + i) + 1];
    }
  return out;
}

/// The request for chunk [first, first + count) read with `preroll` frames before and the
/// chain's post-roll after it; `span` must outlive the request.
inline dsp::render_request chunk_request(const dsp::mastering_chain& chain,
                                         const std::vector<float>& span, std::int64_t first,
                                         std::int64_t count, std::int64_t preroll, double intensity,
                                         double gain_db) {
  dsp::render_request r;
  r.input = span.data();
  r.input_frames = preroll + count + chain.postroll_frames();
  r.preroll_frames = preroll;
  r.output_frames = count;
  r.start_frame = first;
  r.intensity = intensity;
  r.loudness_gain_db = gain_db;
  return r;
}

/// Renders `track` chunk by chunk (chunks of `chunk` frames, last one short) in a shuffled
/// order, each from its own source span with `preroll` frames of pre-roll, and joins them.
inline std::vector<float> render_chunked(dsp::mastering_chain& chain,
                                         const std::vector<float>& track, std::int64_t chunk,
                                         std::int64_t preroll, double intensity, double gain_db,
                                         unsigned shuffle_seed) {
  const std::int64_t n = frames_of(track);
  const std::int64_t count = (n + chunk - 1) / chunk;
  std::vector<std::int64_t> order(static_cast<std::size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(shuffle_seed);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<float> out(track.size(), std::nanf(""));
  for (std::int64_t k : order) {
    const std::int64_t first = k * chunk;
    const std::int64_t frames = std::min(chunk, n - first);
    const auto span = read_span(track, first - preroll, preroll + frames + chain.postroll_frames());
    const auto r = chunk_request(chain, span, first, frames, preroll, intensity, gain_db);
    chain.render_float(r, out.data() + 2 * first);
  }
  return out;
}

/// Largest absolute sample.
inline double peak_of(const std::vector<float>& v) {
  double p = 0;
  for (float x : v)
    p = std::max(p, static_cast<double>(std::fabs(x)));
  return p;
}

/// Root mean square of all samples.
inline double rms_of(const std::vector<float>& v) {
  double s = 0;
  for (float x : v)
    s += static_cast<double>(x) * x;
  return v.empty() ? 0 : std::sqrt(s / static_cast<double>(v.size()));
}

/// In-place radix-2 FFT (size a power of two).
inline void fft(std::vector<std::complex<double>>& a) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1)
      j ^= bit;
    j ^= bit;
    if (i < j)
      std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> w =
      std::polar(1.0, -2 * 3.141592653589793 / static_cast<double>(len));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> wk = 1;
      for (std::size_t k = 0; k < len / 2; ++k, wk *= w) {
        const auto u = a[i + k];
        const auto v = a[i + k + len / 2] * wk;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
      }
    }
  }
}

/// Power spectrum of the left+right mix, averaged over Hann-windowed 4096-frame windows
/// (a periodogram): bin k is at k * rate / 4096 Hz, k = 0..2048.
inline std::vector<double> power_spectrum(const std::vector<float>& v) {
  const std::size_t n = 4096;
  const std::int64_t frames = frames_of(v);
  std::vector<double> power(n / 2 + 1, 0.0);
  std::vector<std::complex<double>> a(n);
  for (std::int64_t start = 0; start + static_cast<std::int64_t>(n) <= frames; start += n) {
    for (std::size_t i = 0; i < n; ++i) {
      const double w = 0.5 - 0.5 * std::cos(2 * 3.141592653589793 * static_cast<double>(i) / n);
      a[i] = w * (v[2 * (start + i)] + v[2 * (start + i) + 1]);
    }
    fft(a);
    for (std::size_t k = 0; k <= n / 2; ++k)
      power[k] += std::norm(a[k]);
  }
  return power;
}

/// Energy of a power_spectrum() in [lo_hz, hi_hz).
inline double band_energy(const std::vector<double>& power, int rate, double lo_hz, double hi_hz) {
  double total = 0;
  const double bin_hz = static_cast<double>(rate) / (2 * (power.size() - 1));
  for (std::size_t k = 0; k < power.size(); ++k) {
    const double f = static_cast<double>(k) * bin_hz;
    if (f >= lo_hz && f < hi_hz)
      total += power[k];
  }
  return total;
}

/// The true peak (linear, largest of both channels) libebur128 measures
/// (EBUR128_MODE_TRUE_PEAK: 4x oversampling below 96 kHz; never below the sample peak) of
/// the stereo signal at `rate` Hz that `add(state)` feeds a fresh meter; -1 when the meter
/// cannot be made.
template <class Add>
double ebur128_true_peak_of(int rate, Add add) {
  ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(rate), EBUR128_MODE_TRUE_PEAK);
  if (!st)
    return -1;
  add(st);
  double peak = 0;
  for (unsigned c = 0; c < 2; ++c) {
    double p = 0;
    ebur128_true_peak(st, c, &p);
    peak = std::max(peak, p);
  }
  ebur128_destroy(&st);
  return peak;
}

/// ebur128_true_peak_of() interleaved stereo float samples.
inline double ebur128_true_peak(const float* interleaved, std::int64_t frames, int rate = 48000) {
  return ebur128_true_peak_of(rate, [&](ebur128_state* st) {
    ebur128_add_frames_float(st, interleaved, static_cast<std::size_t>(frames));
  });
}

/// ebur128_true_peak() of a float buffer.
inline double ebur128_true_peak(const std::vector<float>& v, int rate = 48000) {
  return ebur128_true_peak(v.data(), frames_of(v), rate);
}

/// ebur128_true_peak_of() interleaved stereo 16-bit PCM (libebur128 reads it as s / 32768).
inline double ebur128_true_peak(const std::vector<std::int16_t>& v, int rate = 48000) {
  return ebur128_true_peak_of(
    rate, [&](ebur128_state* st) { ebur128_add_frames_short(st, v.data(), v.size() / 2); });
}

/// Linear gain -> dB.
inline double to_db(double gain) { return 20 * std::log10(gain); }

} // namespace auralis::test
