#define BOOST_TEST_MODULE true_peak_detector
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "dsp/simd.hpp"
#include "dsp/true_peak_detector.hpp"
#include "test_support.hpp"

#include "dsp_test_support.hpp"

using auralis::dsp::true_peak_detector;
using namespace auralis::test;

namespace {

constexpr int rate = 48000;
constexpr double pi = 3.14159265358979323846;

/// A stereo sine of `frames` frames: amplitude `a`, `cycle` frames per period, phase
/// `phase` (radians) on both channels.
std::vector<float> sine(std::int64_t frames, double a, double cycle, double phase) {
  std::vector<float> out(static_cast<std::size_t>(2 * frames));
  for (std::int64_t i = 0; i < frames; ++i)
    out[2 * i] = out[2 * i + 1] = static_cast<float>(a * std::sin(2 * pi * i / cycle + phase));
  return out;
}

/// Block peaks of `x` (whole blocks, silence around it) with kernel `use`.
std::vector<float> blocks_of(const std::vector<float>& x, auralis::dsp::simd::isa use) {
  const std::int64_t blocks = frames_of(x) / true_peak_detector::block_frames;
  std::vector<float> padded(x.size() + 2 * 32, 0.0f);
  std::copy(x.begin(), x.end(), padded.begin() + 2 * 16);
  std::vector<float> peaks(static_cast<std::size_t>(blocks));
  true_peak_detector::block_peaks(padded.data() + 2 * 16, blocks, peaks.data(), use);
  return peaks;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_filter_is_the_meters_windowed_sinc) {
  BOOST_TEST(true_peak_detector::coefficient(24) == 1.0);
  // Phase 0 is the sample itself: zeros at every 4th tap but the centre, and at the ends.
  for (int j = 0; j < true_peak_detector::taps; j += 4)
    if (j != 24)
      BOOST_TEST(std::fabs(true_peak_detector::coefficient(j)) < 1e-12, j);
  for (int j = 0; j < true_peak_detector::taps; ++j)
    BOOST_TEST(std::fabs(true_peak_detector::coefficient(j) -
                         true_peak_detector::coefficient(true_peak_detector::taps - 1 - j)) < 1e-15);
}

BOOST_AUTO_TEST_CASE(a_sine_at_a_quarter_of_the_rate_45_degrees_off_peaks_between_samples) {
  // Samples at +-0.7071 (-3.01 dBFS), the waveform between them at +-1.0.
  const auto x = sine(rate, 1.0, 4.0, pi / 4);
  const double sample_peak = peak_of(x);
  BOOST_TEST(std::fabs(sample_peak - std::sqrt(0.5)) < 1e-6);
  const double ours = true_peak_detector::measure(x.data(), frames_of(x));
  const double meter = ebur128_true_peak(x);
  BOOST_TEST_MESSAGE("sample peak " << sample_peak << ", true peak " << ours << ", libebur128 "
                                    << meter);
  // The quarter phases land on the crests. The short windowed sinc passes fs/4 with a gain
  // of 1.012 (+0.10 dB): the meter reads 1.012, and so do we.
  BOOST_TEST(std::fabs(ours - 1.012) < 1e-3, ours);
  BOOST_TEST(std::fabs(ours - meter) < 1e-5, ours << " vs " << meter);
}

BOOST_AUTO_TEST_CASE(it_agrees_with_libebur128_on_music_noise_and_squares) {
  std::vector<std::vector<float>> signals;
  signals.push_back(music_like(2 * rate, rate, 4));
  auto noise = pink_noise(2 * rate, 0.5, 9);
  for (auto& v : noise)
    v = std::clamp(v, -1.0f, 1.0f); // clipped: the worst case for inter-sample peaks
  signals.push_back(noise);
  std::vector<float> square(static_cast<std::size_t>(2 * rate));
  for (std::size_t i = 0; i < square.size(); ++i)
    square[i] = ((i / 2) / 37) % 2 ? 0.9f : -0.9f;
  signals.push_back(square);
  // Near the top of the band, faded in and out over 10 ms (no onset or end transients:
  // libebur128 does not run its filter past the last sample, we do).
  auto high = sine(rate, 0.5, 48000.0 / 11025.0, 0.3);
  for (std::int64_t i = 0; i < 480; ++i) {
    const auto fade = static_cast<float>(0.5 - 0.5 * std::cos(pi * i / 480));
    for (std::size_t c = 0; c < 2; ++c) {
      high[static_cast<std::size_t>(2 * i) + c] *= fade;
      high[high.size() - static_cast<std::size_t>(2 * i + 2) + c] *= fade;
    }
  }
  signals.push_back(high);
  for (std::size_t k = 0; k < signals.size(); ++k) {
    const auto& x = signals[k];
    const double ours = true_peak_detector::measure(x.data(), frames_of(x));
    const double meter = ebur128_true_peak(x);
    BOOST_TEST_MESSAGE("signal " << k << ": sample peak " << peak_of(x) << ", true peak " << ours
                                 << ", libebur128 " << meter);
    // Same filter; float rounding of a 12-tap sum apart. libebur128 does not run its
    // filter past the last sample, so ours may only be higher, by the tail's ringing.
    BOOST_TEST(ours >= meter * (1 - 1e-5), k << ": " << ours << " vs " << meter);
    BOOST_TEST(ours <= meter * (1 + 1e-5), k << ": " << ours << " vs " << meter);
    BOOST_TEST(ours >= peak_of(x));
  }
  // The squares overshoot (Gibbs) between samples.
  BOOST_TEST(true_peak_detector::measure(signals[2].data(), rate) > 0.95);
}

BOOST_AUTO_TEST_CASE(block_peaks_cover_every_block_and_both_kernels_agree) {
  // Silence but one click per block, in alternating channels: each block's peak is its
  // click's, the blocks do not leak into each other beyond the interpolator's reach.
  const std::int64_t blocks = 64;
  std::vector<float> x(static_cast<std::size_t>(2 * blocks * 16), 0.0f);
  for (std::int64_t j = 0; j < blocks; ++j)
    x[static_cast<std::size_t>(2 * (16 * j + 8) + j % 2)] = static_cast<float>(0.01 * (j + 1));
  const auto generic = blocks_of(x, auralis::dsp::simd::isa::generic);
  for (std::int64_t j = 0; j < blocks; ++j)
    BOOST_TEST(generic[static_cast<std::size_t>(j)] == static_cast<float>(0.01 * (j + 1)), j);
  const auto music = music_like(rate, rate, 5);
  const auto a = blocks_of(music, auralis::dsp::simd::isa::generic);
  const auto b = blocks_of(music, auralis::dsp::simd::best_isa());
  BOOST_REQUIRE(a.size() == b.size());
  for (std::size_t j = 0; j < a.size(); ++j)
    BOOST_TEST(std::fabs(a[j] - b[j]) <= 1e-6f * std::max(a[j], 1e-3f), j);
  BOOST_TEST(*std::max_element(a.begin(), a.end()) ==
             true_peak_detector::measure(music.data(), frames_of(music)));
}
