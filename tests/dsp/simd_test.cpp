#define BOOST_TEST_MODULE simd
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "dsp/simd.hpp"

namespace simd = auralis::dsp::simd;

BOOST_AUTO_TEST_CASE(fast_log2_and_exp2_are_accurate_to_a_millionth_of_a_decibel) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> exponent(-40, 40), power(-120, 120);
  double worst_log = 0, worst_exp = 0;
  for (int i = 0; i < 200000; ++i) {
    const float x = std::exp2(exponent(rng));
    worst_log =
      std::max(worst_log, std::fabs(simd::fast_log2(x) - std::log2(static_cast<double>(x))));
    const float y = power(rng);
    worst_exp =
      std::max(worst_exp, std::fabs(simd::fast_exp2(y) / std::exp2(static_cast<double>(y)) - 1));
  }
  // In dB: 20*log10(2) * 3e-7 = 2e-6 dB; 20*log10(1 + 3e-7) = 3e-6 dB.
  BOOST_TEST(worst_log < 3e-7);
  BOOST_TEST(worst_exp < 3e-7);
  BOOST_TEST(simd::fast_log2(1.0f) == 0.0f);
  BOOST_TEST(simd::fast_log2(0.25f) == -2.0f);
  BOOST_TEST(simd::fast_exp2(0.0f) == 1.0f);
  BOOST_TEST(simd::fast_exp2(-3.0f) == 0.125f);
  BOOST_TEST(simd::fast_exp2(-126.0f) == 0.0f);
  BOOST_TEST(simd::fast_exp2(-1000.0f) == 0.0f);
  BOOST_TEST(std::isinf(simd::fast_exp2(200.0f)));
  BOOST_TEST(simd::fast_exp2(std::nanf("")) == 0.0f);
}

BOOST_AUTO_TEST_CASE(the_vector_log2_and_exp2_give_the_scalar_values_bit_for_bit) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> exponent(-40, 40), power(-140, 140);
  for (int i = 0; i < 50000; ++i) {
    simd::v4sf x, y;
    for (int l = 0; l < 4; ++l) {
      x[l] = std::exp2(exponent(rng));
      y[l] = power(rng);
    }
    if (i == 0)
      y = simd::v4sf{-126.0f, 128.0f, std::nanf(""), -1000.0f};
    const simd::v4sf lx = simd::fast_log2(x), ey = simd::fast_exp2(y);
    for (int l = 0; l < 4; ++l) {
      BOOST_REQUIRE(lx[l] == simd::fast_log2(x[l]));
      const float e = simd::fast_exp2(y[l]);
      BOOST_REQUIRE((ey[l] == e || (std::isnan(e) && std::isnan(ey[l]))));
    }
  }
}

BOOST_AUTO_TEST_CASE(sanitise_zeroes_non_finite_and_clamps_huge_samples) {
  const float inf = std::numeric_limits<float>::infinity();
  const simd::v4sf v = simd::sanitise(simd::v4sf{std::nanf(""), -inf, 100.0f, -0.5f});
  BOOST_TEST(v[0] == 0.0f);
  BOOST_TEST(v[1] == 0.0f);
  BOOST_TEST(v[2] == simd::max_source_magnitude);
  BOOST_TEST(v[3] == -0.5f);
  BOOST_TEST(simd::sanitise(inf) == 0.0f);
  BOOST_TEST(simd::sanitise(-1e9f) == -simd::max_source_magnitude);
  BOOST_TEST(simd::sanitise(0.25f) == 0.25f);
  float in[7] = {1, std::nanf(""), 3, -inf, 1e10f, 0.5f, -2};
  float out[7];
  simd::sanitise_copy(in, out, 7);
  const float expected[7] = {1, 0, 3, 0, simd::max_source_magnitude, 0.5f, -2};
  for (int i = 0; i < 7; ++i)
    BOOST_TEST(out[i] == expected[i]);
}

BOOST_AUTO_TEST_CASE(lane_helpers_shuffle_reduce_and_round_as_documented) {
  const simd::v4sf a{1, 2, 3, 4}, b{5, 6, 7, 8};
  const simd::v4sf lo = simd::low_halves(a, b), hi = simd::high_halves(a, b);
  BOOST_TEST((lo[0] == 1 && lo[1] == 2 && lo[2] == 5 && lo[3] == 6));
  BOOST_TEST((hi[0] == 3 && hi[1] == 4 && hi[2] == 7 && hi[3] == 8));
  BOOST_TEST(simd::hsum(a) == 10.0f);
  BOOST_TEST(simd::hmax(simd::v4sf{-1, 7, 3, 6}) == 7.0f);
  const simd::v4sf m = simd::abs(simd::v4sf{-1.5f, 2, -0.0f, -8});
  BOOST_TEST((m[0] == 1.5f && m[1] == 2 && m[2] == 0 && m[3] == 8));
  // Ties to even, as the default rounding mode.
  const simd::v8hi r = simd::round_to_int16(simd::v4sf{0.5f, 1.5f, -2.5f, 32767.0f},
                                            simd::v4sf{-32768.0f, 2.4f, -2.6f, 0.0f});
  const int expected[8] = {0, 2, -2, 32767, -32768, 2, -3, 0};
  for (int i = 0; i < 8; ++i)
    BOOST_TEST(r[i] == expected[i]);
}
