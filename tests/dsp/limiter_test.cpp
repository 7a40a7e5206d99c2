#define BOOST_TEST_MODULE limiter
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "dsp/limiter.hpp"

using auralis::config::limiter_params;
using auralis::dsp::limiter;

namespace {

constexpr int rate = 48000;
double lin(double db) { return std::pow(10.0, db / 20); }
double db(double gain) { return 20 * std::log10(gain); }

/// Gain points for a sequence of block peaks: result[j] = g_j (the boundary starting
/// block j), for the blocks whose gain the limiter has produced.
std::vector<float> run(limiter& l, const std::vector<float>& peaks) {
  const int k = l.lookahead_blocks();
  std::vector<float> g(peaks.size(), 1.0f);
  for (std::size_t i = 0; i < peaks.size(); ++i) {
    const float v = l.push(peaks[i]);
    if (static_cast<int>(i) + 1 - k >= 0)
      g[i + 1 - k] = v;
  }
  return g;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_curve_squeezes_peaks_above_the_threshold_under_the_ceiling) {
  limiter l(limiter_params{-2, 100}, -0.5, rate);
  BOOST_TEST(l.lookahead_blocks() == 15);
  BOOST_TEST(l.required_gain(static_cast<float>(lin(-2.5))) == 1.0f);
  BOOST_TEST(l.required_gain(static_cast<float>(lin(-2.0))) == 1.0f);
  // Just above the threshold the curve starts with slope 1: little reduction.
  BOOST_TEST(db(l.required_gain(static_cast<float>(lin(-1.9)))) > -0.01);
  for (double in_db : {-1.0, 0.0, 3.0, 12.0, 40.0}) {
    const double out_db = in_db + db(l.required_gain(static_cast<float>(lin(in_db))));
    const double expected = -2 + 1.5 * (1 - std::exp(-(in_db + 2) / 1.5));
    BOOST_TEST(std::fabs(out_db - expected) < 1e-3, in_db << " dB in: " << out_db);
    BOOST_TEST(out_db < -0.5);
  }
  // threshold(): the largest peak left alone (just above it the curve bends away, slope 1).
  BOOST_TEST(l.threshold() == static_cast<float>(lin(-2.0)));
  BOOST_TEST(l.required_gain(l.threshold()) == 1.0f);
  BOOST_TEST(l.required_gain(l.threshold() * 1.01f) < 1.0f);
  // A ceiling at or below the threshold makes it a hard limit at the ceiling.
  limiter hard(limiter_params{-1, 100}, -3, rate);
  BOOST_TEST(hard.threshold() == static_cast<float>(lin(-3)));
  BOOST_TEST(hard.required_gain(static_cast<float>(lin(-3.5))) == 1.0f);
  // +3 dB in, -3 dB out: 6 dB of gain reduction.
  BOOST_TEST(std::fabs(db(hard.required_gain(static_cast<float>(lin(3)))) + 6) < 1e-4);
}

BOOST_AUTO_TEST_CASE(a_lone_peak_is_met_by_a_ramp_over_the_lookahead_and_released_slowly) {
  limiter l(limiter_params{-1, 50}, -0.3, rate);
  const int k = l.lookahead_blocks();
  std::vector<float> peaks(400, 0.1f);
  peaks[100] = 2.0f; // +6 dB in block 100
  const auto g = run(l, peaks);
  const float r = l.required_gain(2.0f);
  // Untouched well before the lookahead window.
  for (int j = 0; j < 100 - k; ++j)
    BOOST_TEST(g[j] == 1.0f);
  // Both boundaries of the loud block are at or below its required gain.
  BOOST_TEST(g[100] <= r * (1 + 1e-6f));
  BOOST_TEST(g[101] <= r * (1 + 1e-6f));
  // The attack ramps down monotonically over the K blocks before it.
  for (int j = 100 - k + 1; j <= 100; ++j)
    BOOST_TEST(g[j] <= g[j - 1]);
  // The release recovers with the 50 ms time constant: after 50 ms (150 blocks) about
  // 1 - 1/e of the way back (the box average adds K blocks of delay).
  const int after = 101 + 150 + k / 2;
  const double recovered = (g[after] - r) / (1 - r);
  BOOST_TEST(recovered > 0.55);
  BOOST_TEST(recovered < 0.72);
  BOOST_TEST(g[399] > 0.999f);
}

BOOST_AUTO_TEST_CASE(every_block_stays_under_the_ceiling_on_random_peaks) {
  limiter l(limiter_params{-2, 80}, -0.2, rate);
  std::vector<float> peaks(5000);
  unsigned x = 12345;
  for (auto& p : peaks) {
    x = x * 1664525u + 1013904223u;
    p = static_cast<float>(lin(-20 + 30.0 * (x >> 8) / (1 << 24)));
  }
  const auto g = run(l, peaks);
  const double ceiling = lin(-0.2);
  for (std::size_t j = 0; j + 1 < peaks.size() - l.lookahead_blocks(); ++j) {
    const double worst = peaks[j] * std::max(g[j], g[j + 1]);
    BOOST_REQUIRE(worst <= ceiling * (1 + 1e-6));
  }
}

BOOST_AUTO_TEST_CASE(silence_keeps_unity_gain_and_reset_forgets) {
  limiter l(limiter_params{-1, 100}, -0.5, rate);
  for (int i = 0; i < 100; ++i)
    BOOST_TEST(l.push(0.0f) == 1.0f);
  l.push(8.0f);
  float g = 1;
  for (int i = 0; i < 20; ++i)
    g = l.push(0.0f);
  BOOST_TEST(g < 0.5f);
  l.reset();
  BOOST_TEST(l.push(0.0f) == 1.0f);
  // Full recovery reaches exactly 1 again (no rounding stall).
  l.push(8.0f);
  for (int i = 0; i < 20000; ++i)
    g = l.push(0.0f);
  BOOST_TEST(g == 1.0f);
}

BOOST_AUTO_TEST_CASE(push_many_returns_what_single_pushes_return_and_leaves_the_same_state) {
  // Quiet stretches, lone peaks and dense loud passages, at two lookaheads.
  std::vector<float> peaks(3000);
  unsigned x = 777;
  for (std::size_t i = 0; i < peaks.size(); ++i) {
    x = x * 1664525u + 1013904223u;
    const double level = (i / 400) % 2 ? -30 + 36.0 * (x >> 8) / (1 << 24) : -20;
    peaks[i] = static_cast<float>(lin(level));
  }
  peaks[50] = 4.0f;
  for (int rate_hz : {48000, 44100, 8000}) {
    limiter single(limiter_params{-2, 60}, -0.3, rate_hz),
      many(limiter_params{-2, 60}, -0.3, rate_hz);
    std::vector<float> expected(peaks.size()), got(peaks.size());
    for (std::size_t i = 0; i < peaks.size(); ++i)
      expected[i] = single.push(peaks[i]);
    // In pieces (shorter and longer than the lookahead), one of them in place.
    std::size_t done = 0;
    for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{500}, std::size_t{2},
                          std::size_t{1490}, std::size_t{1000}}) {
      if (n == 2) {
        std::copy(peaks.begin() + static_cast<std::ptrdiff_t>(done),
                  peaks.begin() + static_cast<std::ptrdiff_t>(done + n),
                  got.begin() + static_cast<std::ptrdiff_t>(done));
        many.push_many(got.data() + done, got.data() + done, static_cast<std::int64_t>(n));
      } else {
        many.push_many(peaks.data() + done, got.data() + done, static_cast<std::int64_t>(n));
      }
      done += n;
    }
    BOOST_REQUIRE(done == peaks.size());
    BOOST_TEST(got == expected, rate_hz << " Hz");
    BOOST_TEST(std::count(got.begin(), got.end(), 1.0f) >= 40); // the idle stretch first
    BOOST_TEST(*std::min_element(got.begin(), got.end()) < 0.5f);
    // The same state afterwards: single pushes continue identically.
    for (float p : {8.0f, 0.0f, 0.5f, 2.0f, 0.0f})
      BOOST_TEST(many.push(p) == single.push(p));
    for (int i = 0; i < 3000; ++i)
      BOOST_REQUIRE(many.push(0.0f) == single.push(0.0f));
  }
}

BOOST_AUTO_TEST_CASE(bad_parameters_throw) {
  BOOST_CHECK_THROW(limiter(limiter_params{-1, 100}, -0.5, 0), std::invalid_argument);
  BOOST_CHECK_THROW(limiter(limiter_params{-1, 100}, std::nan(""), rate), std::invalid_argument);
}
