#define BOOST_TEST_MODULE loudness_meter
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/loudness_meter.hpp"
#include "test_support.hpp"

using auralis::dsp::loudness_meter;

namespace {

constexpr int rate = 48000;

/// A 1 kHz sine of peak `dbfs` in both channels, `seconds` long.
std::vector<float> tone(double dbfs, double seconds) {
  const auto frames = static_cast<std::int64_t>(seconds * rate);
  std::vector<float> v(static_cast<std::size_t>(2 * frames));
  const double a = std::pow(10.0, dbfs / 20);
  for (std::int64_t i = 0; i < frames; ++i)
    v[2 * i] = v[2 * i + 1] =
      static_cast<float>(a * std::sin(2 * 3.141592653589793 * 1000.0 * i / rate));
  return v;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_ebu_reference_tone_reads_minus_23_lufs) {
  // EBU Tech 3341 case 1: stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS (+-0.1).
  const auto v = tone(-23, 20);
  BOOST_TEST(std::fabs(loudness_meter::measure(v.data(), 20 * rate, rate) + 23.0) < 0.1);
  const auto louder = tone(-13, 20);
  BOOST_TEST(std::fabs(loudness_meter::measure(louder.data(), 20 * rate, rate) + 13.0) < 0.1);
}

BOOST_AUTO_TEST_CASE(spans_fed_in_order_equal_one_call) {
  const auto v = auralis::test::music_like(10 * rate, rate, 2);
  loudness_meter meter(rate);
  meter.add(v.data(), 12345);
  meter.add(v.data() + 2 * 12345, 3 * rate);
  meter.add(v.data() + 2 * (12345 + 3 * rate), 10 * rate - 12345 - 3 * rate);
  BOOST_TEST(meter.integrated_lufs() == loudness_meter::measure(v.data(), 10 * rate, rate));
}

BOOST_AUTO_TEST_CASE(silence_and_too_little_audio_read_minus_infinity) {
  const std::vector<float> silence(2 * 5 * rate, 0.0f);
  const double lufs = loudness_meter::measure(silence.data(), 5 * rate, rate);
  BOOST_TEST(std::isinf(lufs));
  BOOST_TEST(lufs < 0);
  const auto blip = tone(-10, 0.2); // shorter than one 400 ms gating block
  BOOST_TEST(std::isinf(loudness_meter::measure(blip.data(), rate / 5, rate)));
  loudness_meter empty(rate);
  BOOST_TEST(std::isinf(empty.integrated_lufs()));
}

BOOST_AUTO_TEST_CASE(nan_and_inf_samples_are_measured_as_zero) {
  auto dirty = tone(-20, 10);
  auto clean = dirty;
  for (std::size_t i = 100; i < dirty.size(); i += 1000) {
    dirty[i] = i % 2000 == 100 ? std::numeric_limits<float>::quiet_NaN()
                               : std::numeric_limits<float>::infinity();
    clean[i] = 0;
  }
  const double a = loudness_meter::measure(dirty.data(), 10 * rate, rate);
  BOOST_TEST(std::isfinite(a));
  BOOST_TEST(a == loudness_meter::measure(clean.data(), 10 * rate, rate));
}

BOOST_AUTO_TEST_CASE(a_moved_meter_keeps_measuring_and_bad_rates_throw) {
  const auto v = tone(-23, 5);
  loudness_meter a(rate);
  a.add(v.data(), 2 * rate);
  loudness_meter b(std::move(a));
  b.add(v.data() + 4 * rate, 3 * rate);
  BOOST_TEST(std::fabs(b.integrated_lufs() + 23.0) < 0.1);
  BOOST_CHECK_THROW(loudness_meter(100), std::invalid_argument);
  BOOST_CHECK_THROW(loudness_meter(1000000), std::invalid_argument);
}
