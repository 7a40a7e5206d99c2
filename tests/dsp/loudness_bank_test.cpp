#define BOOST_TEST_MODULE loudness_bank
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/loudness_bank.hpp"
#include "dsp/loudness_meter.hpp"

#include "dsp_test_support.hpp"

using auralis::dsp::loudness_bank;
using auralis::dsp::loudness_meter;
using namespace auralis::test;

namespace {

/// Interleaved stereo sine of `hz` at `peak`, the right channel a quarter period later.
std::vector<float> sine(std::int64_t frames, double hz, double peak, int rate) {
  std::vector<float> out(static_cast<std::size_t>(2 * frames));
  const double w = 2 * 3.14159265358979323846 * hz / rate;
  for (std::int64_t i = 0; i < frames; ++i) {
    out[static_cast<std::size_t>(2 * i)] = static_cast<float>(peak * std::sin(w * i));
    out[static_cast<std::size_t>(2 * i + 1)] = static_cast<float>(peak * std::cos(w * i));
  }
  return out;
}

/// Loudness of one programme through a bank, fed in pieces of `piece` frames.
double bank_lufs(const std::vector<float>& x, int rate, std::int64_t piece = 1000) {
  loudness_bank bank(1, rate);
  for (std::int64_t done = 0; done < frames_of(x); done += piece) {
    const float* p = x.data() + 2 * done;
    bank.add(&p, std::min(piece, frames_of(x) - done));
  }
  return bank.integrated_lufs(0);
}

} // namespace

BOOST_AUTO_TEST_CASE(agrees_with_libebur128_within_a_hundredth_of_a_lu) {
  for (int rate : {44100, 48000}) {
    std::vector<std::vector<float>> signals{
      pink_noise(12 * rate, 0.2, 1), pink_noise(9 * rate + 77, 0.01, 2),
      sine(5 * rate, 40, 0.5, rate), sine(5 * rate, 997, 0.25, rate),
      sine(5 * rate, 12000, 0.5, rate)};
    // Loud, then much quieter: the relative gate drops the quiet part.
    auto gated = pink_noise(6 * rate, 0.3, 3);
    const auto quiet = pink_noise(6 * rate, 0.003, 4);
    gated.insert(gated.end(), quiet.begin(), quiet.end());
    signals.push_back(gated);
    for (const auto& x : signals) {
      const double expected = loudness_meter::measure(x.data(), frames_of(x), rate);
      const double got = bank_lufs(x, rate);
      BOOST_TEST(std::fabs(got - expected) < 0.01, rate << " Hz: " << got << " vs " << expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(programmes_side_by_side_measure_as_they_would_alone) {
  constexpr int rate = 48000;
  const std::vector<std::vector<float>> x{pink_noise(5 * rate, 0.1, 7), sine(5 * rate, 440, 0.5, rate),
                                          pink_noise(5 * rate, 0.02, 8)};
  loudness_bank bank(3, rate);
  BOOST_TEST(bank.programmes() == 3);
  for (std::int64_t done = 0; done < 5 * rate; done += 4321) {
    const std::int64_t n = std::min<std::int64_t>(4321, 5 * rate - done);
    const float* p[3] = {x[0].data() + 2 * done, x[1].data() + 2 * done, x[2].data() + 2 * done};
    bank.add(p, n);
  }
  for (int p = 0; p < 3; ++p) // the same arithmetic per lane: exactly equal
    BOOST_TEST(bank.integrated_lufs(p) == bank_lufs(x[static_cast<std::size_t>(p)], rate, 777));
}

BOOST_AUTO_TEST_CASE(silence_short_programmes_and_non_finite_samples) {
  constexpr int rate = 48000;
  const double inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(bank_lufs(std::vector<float>(2 * 3 * rate, 0.f), rate) == -inf);
  // 399 ms is less than one 400 ms block.
  BOOST_TEST(bank_lufs(pink_noise(rate * 399 / 1000, 0.3, 9), rate) == -inf);
  BOOST_TEST(std::isfinite(bank_lufs(pink_noise(rate * 400 / 1000, 0.3, 9), rate)));
  // NaN and infinities count as silence: the same as zeros there.
  auto x = pink_noise(3 * rate, 0.1, 10);
  auto zeroed = x;
  for (std::size_t i = 1000; i < 3000; ++i) {
    x[i] = i % 2 ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
    zeroed[i] = 0.f;
  }
  BOOST_TEST(bank_lufs(x, rate) == bank_lufs(zeroed, rate));
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused) {
  BOOST_CHECK_THROW(loudness_bank(0, 48000), std::invalid_argument);
  BOOST_CHECK_THROW(loudness_bank(1, 4000), std::invalid_argument);
  loudness_bank bank(2, 48000);
  const float* p[2] = {nullptr, nullptr};
  BOOST_CHECK_THROW(bank.add(p, -1), std::invalid_argument);
  bank.add(p, 0); // nothing to read: fine
  BOOST_CHECK_THROW(bank.integrated_lufs(2), std::out_of_range);
  BOOST_CHECK_THROW(bank.integrated_lufs(-1), std::out_of_range);
}
