#define BOOST_TEST_MODULE content_features
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/content_features.hpp"
#include "test_support.hpp"

using auralis::dsp::chunk_features;
using auralis::dsp::content_features;

namespace {

constexpr int rate = 48000;
const double pi = 3.141592653589793;

/// The same sine in both channels.
std::vector<float> sine(double hz, double amplitude, std::int64_t frames) {
  std::vector<float> v(static_cast<std::size_t>(2 * frames));
  for (std::int64_t i = 0; i < frames; ++i)
    v[2 * i] = v[2 * i + 1] = static_cast<float>(amplitude * std::sin(2 * pi * hz * i / rate));
  return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_steady_sine_has_the_textbook_values) {
  content_features cf;
  const double a = 0.05, hz = 1000;
  const auto v = sine(hz, a, 10 * rate);
  const chunk_features f = cf.compute(v.data(), 10 * rate, rate);
  // RMS a/sqrt(2); mean |difference| 2a sin(pi f / rate) * 2/pi; crest 3.01 dB.
  BOOST_TEST(std::fabs(f.energy - 10 * a / std::sqrt(2.0)) < 1e-4);
  BOOST_TEST(std::fabs(f.brightness - 100 * 2 * a * std::sin(pi * hz / rate) * 2 / pi) < 1e-3);
  BOOST_TEST(std::fabs(f.dynamics - 20 * std::log10(std::sqrt(2.0)) / 20) < 1e-3);
  // Centroid at 1 kHz: (1000 - 300) / 3100 of the voice band (Hann leakage is symmetric).
  BOOST_TEST(std::fabs(f.vocal_presence - 700.0 / 3100.0) < 0.01);
  // A steady tone has almost no envelope fluctuation.
  BOOST_TEST(f.rhythmic_energy < 0.02);
}

BOOST_AUTO_TEST_CASE(loud_bright_and_pulsing_signals_score_higher) {
  content_features cf;
  const auto quiet_low = sine(150, 0.02, 5 * rate);
  const auto loud_high = sine(6000, 0.3, 5 * rate);
  const auto a = cf.compute(quiet_low.data(), 5 * rate, rate);
  const auto b = cf.compute(loud_high.data(), 5 * rate, rate);
  BOOST_TEST(b.energy > a.energy);
  BOOST_TEST(b.brightness == 1.0f); // saturates
  BOOST_TEST(a.vocal_presence == 0.0f);
  BOOST_TEST(b.vocal_presence == 1.0f);
  // Eighth-note bursts of a tone (on 60 ms, off 65 ms) versus the same tone held.
  auto pulses = sine(440, 0.4, 5 * rate);
  for (std::int64_t i = 0; i < 5 * rate; ++i)
    if (i % 6000 >= 2880)
      pulses[2 * i] = pulses[2 * i + 1] = 0;
  const auto held = sine(440, 0.4, 5 * rate);
  BOOST_TEST(cf.compute(pulses.data(), 5 * rate, rate).rhythmic_energy >
             3 * cf.compute(held.data(), 5 * rate, rate).rhythmic_energy);
  // Pulses have a higher crest factor relative to their RMS.
  BOOST_TEST(cf.compute(pulses.data(), 5 * rate, rate).dynamics >
             cf.compute(held.data(), 5 * rate, rate).dynamics);
}

BOOST_AUTO_TEST_CASE(silence_short_chunks_and_garbage_are_safe) {
  content_features cf;
  const std::vector<float> silence(2 * rate, 0.0f);
  const auto s = cf.compute(silence.data(), rate, rate);
  BOOST_TEST(s.energy == 0.0f);
  BOOST_TEST(s.brightness == 0.0f);
  BOOST_TEST(s.dynamics == 0.5f);
  BOOST_TEST(s.vocal_presence == 0.0f);
  BOOST_TEST(s.rhythmic_energy == 0.0f);
  const auto empty = cf.compute(nullptr, 0, rate);
  BOOST_TEST(empty.energy == 0.0f);
  BOOST_TEST(empty.dynamics == 0.5f);
  // Shorter than one FFT window: zero-padded, still sensible.
  const auto tiny = sine(3000, 0.1, 1000);
  const auto t = cf.compute(tiny.data(), 1000, rate);
  BOOST_TEST(t.vocal_presence > 0.7f);
  BOOST_TEST(t.energy > 0.0f);
  // NaN and Inf count as 0.
  auto dirty = auralis::test::music_like(2 * rate, rate, 5);
  auto clean = dirty;
  for (std::size_t i = 7; i < dirty.size(); i += 997) {
    dirty[i] =
      i % 2 ? std::numeric_limits<float>::quiet_NaN() : -std::numeric_limits<float>::infinity();
    clean[i] = 0;
  }
  const auto d = cf.compute(dirty.data(), 2 * rate, rate);
  const auto c = cf.compute(clean.data(), 2 * rate, rate);
  BOOST_TEST(d.energy == c.energy);
  BOOST_TEST(d.brightness == c.brightness);
  BOOST_TEST(d.dynamics == c.dynamics);
  BOOST_TEST(d.vocal_presence == c.vocal_presence);
  BOOST_TEST(d.rhythmic_energy == c.rhythmic_energy);
  for (float x : {d.energy, d.brightness, d.dynamics, d.vocal_presence, d.rhythmic_energy}) {
    BOOST_TEST(x >= 0.0f);
    BOOST_TEST(x <= 1.0f);
  }
  BOOST_CHECK_THROW(cf.compute(silence.data(), -1, rate), std::invalid_argument);
  BOOST_CHECK_THROW(cf.compute(silence.data(), 10, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_same_chunk_gives_the_same_features_every_time) {
  content_features a, b;
  const auto v = auralis::test::music_like(15 * rate, rate, 9);
  const auto x = a.compute(v.data(), 15 * rate, rate);
  b.compute(v.data(), 3 * rate, rate); // scratch state from an earlier, smaller chunk
  const auto y = b.compute(v.data(), 15 * rate, rate);
  BOOST_TEST(x.energy == y.energy);
  BOOST_TEST(x.brightness == y.brightness);
  BOOST_TEST(x.dynamics == y.dynamics);
  BOOST_TEST(x.vocal_presence == y.vocal_presence);
  BOOST_TEST(x.rhythmic_energy == y.rhythmic_energy);
}
