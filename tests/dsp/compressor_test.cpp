#define BOOST_TEST_MODULE compressor
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/compressor.hpp"

using auralis::config::compressor_params;
using auralis::dsp::compressor;

namespace {

constexpr int rate = 48000;
/// Mean square of a level in dB.
float ms_of(double db) { return static_cast<float>(std::pow(10.0, db / 10)); }
double db_of(float gain) { return 20 * std::log10(static_cast<double>(gain)); }
/// Control blocks in `ms` milliseconds.
int blocks_in(double ms) { return static_cast<int>(ms * 1e-3 * rate / compressor::block_frames); }

} // namespace

BOOST_AUTO_TEST_CASE(below_the_threshold_the_gain_is_exactly_one) {
  compressor c(compressor_params{4, -20, 10, 100}, rate);
  for (int i = 0; i < 1000; ++i)
    BOOST_TEST(c.next_gain(ms_of(-25)) == 1.0f);
  BOOST_TEST(std::fabs(c.envelope_db() + 25) < 1e-3);
}

BOOST_AUTO_TEST_CASE(a_steady_level_above_the_threshold_settles_on_the_static_curve) {
  // 10 dB over a -20 dB threshold at 2:1: 5 dB of gain reduction.
  compressor c(compressor_params{2, -20, 10, 100}, rate);
  float g = 1;
  for (int i = 0; i < blocks_in(500); ++i)
    g = c.next_gain(ms_of(-10));
  BOOST_TEST(std::fabs(db_of(g) + 5.0) < 0.01);
  BOOST_TEST(std::fabs(c.reduction_db(-10) - 5.0f) < 1e-5);
  BOOST_TEST(c.reduction_db(-20) == 0.0f);
  // Ratio 1 never compresses.
  compressor none(compressor_params{1, -40, 10, 100}, rate);
  for (int i = 0; i < 100; ++i)
    BOOST_TEST(none.next_gain(ms_of(0)) == 1.0f);
}

BOOST_AUTO_TEST_CASE(attack_and_release_follow_their_time_constants) {
  compressor c(compressor_params{2, -60, 20, 200}, rate);
  for (int i = 0; i < blocks_in(2000); ++i)
    c.next_gain(ms_of(-40));
  // A step up of 20 dB: after one attack time constant the envelope has covered 1 - 1/e.
  for (int i = 0; i < blocks_in(20); ++i)
    c.next_gain(ms_of(-20));
  BOOST_TEST(std::fabs(c.envelope_db() - (-40 + 20 * (1 - std::exp(-1.0)))) < 0.3);
  for (int i = 0; i < blocks_in(1000); ++i)
    c.next_gain(ms_of(-20));
  // A step down: one release time constant covers 1 - 1/e of the way back.
  for (int i = 0; i < blocks_in(200); ++i)
    c.next_gain(ms_of(-40));
  BOOST_TEST(std::fabs(c.envelope_db() - (-20 - 20 * (1 - std::exp(-1.0)))) < 0.3);
}

BOOST_AUTO_TEST_CASE(silence_and_garbage_read_as_the_floor_and_reset_returns_there) {
  compressor c(compressor_params{3, -30, 5, 50}, rate);
  BOOST_TEST(c.envelope_db() == compressor::floor_db);
  BOOST_TEST(c.next_gain(0.0f) == 1.0f);
  BOOST_TEST(c.envelope_db() == compressor::floor_db);
  BOOST_TEST(c.next_gain(std::numeric_limits<float>::quiet_NaN()) == 1.0f);
  BOOST_TEST(c.next_gain(-1.0f) == 1.0f);
  BOOST_TEST(c.envelope_db() == compressor::floor_db);
  // Infinite levels read as +120 dB: compression, but nothing non-finite.
  float g = 1;
  for (int i = 0; i < 100; ++i)
    g = c.next_gain(std::numeric_limits<float>::infinity());
  BOOST_TEST(g > 0.0f);
  BOOST_TEST(g < 1.0f);
  BOOST_TEST(std::isfinite(c.envelope_db()));
  c.reset();
  BOOST_TEST(c.envelope_db() == compressor::floor_db);
}

BOOST_AUTO_TEST_CASE(two_runs_from_different_states_converge) {
  compressor a(compressor_params{3, -30, 5, 100}, rate), b(compressor_params{3, -30, 5, 100}, rate);
  for (int i = 0; i < 3000; ++i)
    a.next_gain(ms_of(-5));
  float ga = 0, gb = 0;
  for (int i = 0; i < blocks_in(3000); ++i) {
    const float level = ms_of(-25 + 15 * std::sin(i * 0.01));
    ga = a.next_gain(level);
    gb = b.next_gain(level);
  }
  BOOST_TEST(std::fabs(db_of(ga) - db_of(gb)) < 1e-4);
}

BOOST_AUTO_TEST_CASE(next_gains_returns_what_next_gain_returns_bit_for_bit) {
  std::vector<float> ms(1003);
  unsigned x = 99;
  for (std::size_t i = 0; i < ms.size(); ++i) {
    x = x * 1664525u + 1013904223u;
    ms[i] = ms_of(-70 + 75.0 * (x >> 8) / (1 << 24) + ((i / 100) % 2 ? 0 : -30));
  }
  ms[5] = 0.0f;
  ms[6] = std::numeric_limits<float>::quiet_NaN();
  ms[7] = -1.0f;
  ms[8] = std::numeric_limits<float>::infinity();
  ms[9] = 1e-13f;
  compressor single(compressor_params{3, -20, 5, 120}, rate),
    many(compressor_params{3, -20, 5, 120}, rate);
  std::vector<float> expected(ms.size()), got(ms.size());
  for (std::size_t i = 0; i < ms.size(); ++i)
    expected[i] = single.next_gain(ms[i]);
  got.assign(ms.begin(), ms.end());
  // In place, in pieces of odd lengths.
  many.next_gains(got.data(), got.data(), 501);
  many.next_gains(got.data() + 501, got.data() + 501, 502);
  BOOST_TEST(got == expected);
  BOOST_TEST(many.envelope_db() == single.envelope_db());
  BOOST_TEST(*std::min_element(got.begin(), got.end()) < 0.5f);
  BOOST_TEST(std::count(got.begin(), got.end(), 1.0f) > 10);
}

BOOST_AUTO_TEST_CASE(bad_parameters_throw) {
  BOOST_CHECK_THROW(compressor(compressor_params{2, -20, 10, 100}, 0), std::invalid_argument);
  BOOST_CHECK_THROW(compressor(compressor_params{std::nan(""), -20, 10, 100}, rate),
                    std::invalid_argument);
}
