#pragma once

#include <cstdint>
#include <vector>

namespace auralis::dsp {

/// Content features of one chunk, each in 0..1, as the earlier system defined them (on the
/// mono mix m = (left + right) / 2 of the chunk's source frames).
struct chunk_features {
  float energy = 0;     ///< min(1, 10 * RMS(m))
  float brightness = 0; ///< min(1, 100 * mean |m[n] - m[n-1]|)
  float dynamics = 0;   ///< crest factor: clamp(20*log10(peak / RMS) / 20, 0, 1); 0.5 for silence
  /// Spectral centroid's position in the voice band: clamp((centroid_hz - 300) / 3100, 0, 1).
  float vocal_presence = 0;
  /// min(1, 200 * mean |env[k] - env[k-1]| / W), env[k] = mean |m| over 10 ms block k of W
  /// frames.
  float rhythmic_energy = 0;
};

/// Computes chunk_features from the source span a worker has just read (one pass over the
/// samples plus a few FFTs). The centroid is that of the magnitude spectrum summed over up
/// to max_windows Hann-windowed 2048-frame windows, one in each of equal segments of the
/// chunk at a position jittered by a fixed hash (evenly spaced windows would alias with a
/// steady beat); a chunk shorter than one window is zero-padded. Its position is mapped
/// over the voice band, 300 Hz -> 0 .. 3.4 kHz -> 1 (the earlier system mapped 0.1..0.3 of
/// Nyquist). The rhythmic envelope is the mean |m| of consecutive 10 ms blocks (W frames;
/// a trailing partial block is left out); dividing its steps by W gives the per-frame slope
/// of the earlier system's 10 ms moving average, whose sample-by-sample differences mostly
/// measured the ripple of the waveform itself. NaN and +-Inf samples count as 0.
/// Not thread-safe (keeps scratch buffers): one object per thread.
class content_features {
public:
  /// FFT length of the centroid windows, frames.
  static constexpr int fft_size = 2048;
  /// Most windows per chunk.
  static constexpr int max_windows = 32;
  /// The voice band the centroid is placed in, Hz.
  static constexpr double voice_low_hz = 300, voice_high_hz = 3400;

  content_features();

  /// Features of `frames` interleaved stereo frames at `rate` Hz (> 0; frames >= 0, all
  /// features 0 but dynamics 0.5 for an empty or silent chunk). Throws
  /// std::invalid_argument for a non-positive rate or negative frames.
  chunk_features compute(const float* interleaved, std::int64_t frames, int rate = 48000);

private:
  // In-place radix-2 FFT of fft_size points held as separate real and imaginary parts.
  void fft(float* re, float* im) const;

  std::vector<float> mono_;
  std::vector<float> window_;
  std::vector<float> twiddle_re_, twiddle_im_;
  std::vector<float> re_, im_;
  std::vector<double> magnitude_;
};

} // namespace auralis::dsp
