#define BOOST_TEST_MODULE biquad
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>

#include "dsp/biquad.hpp"

using auralis::dsp::biquad;
using auralis::dsp::biquad_coefficients;

namespace {
constexpr double rate = 48000;
}

BOOST_AUTO_TEST_CASE(low_shelf_boosts_below_the_corner_and_leaves_the_top_alone) {
  const auto c = biquad::low_shelf(200, 6, rate);
  BOOST_TEST(std::fabs(biquad::response_db(c, 0, rate) - 6.0) < 1e-9);
  BOOST_TEST(std::fabs(biquad::response_db(c, 20, rate) - 6.0) < 0.05);
  // Half the gain (in dB) at the corner frequency.
  BOOST_TEST(std::fabs(biquad::response_db(c, 200, rate) - 3.0) < 1e-6);
  BOOST_TEST(std::fabs(biquad::response_db(c, 10000, rate)) < 0.01);
  BOOST_TEST(std::fabs(biquad::response_db(c, rate / 2, rate)) < 1e-9);
}

BOOST_AUTO_TEST_CASE(high_shelf_cuts_above_the_corner_and_leaves_the_bottom_alone) {
  const auto c = biquad::high_shelf(8000, -4, rate);
  BOOST_TEST(std::fabs(biquad::response_db(c, rate / 2, rate) + 4.0) < 1e-9);
  BOOST_TEST(std::fabs(biquad::response_db(c, 8000, rate) + 2.0) < 1e-6);
  BOOST_TEST(std::fabs(biquad::response_db(c, 0, rate)) < 1e-9);
  BOOST_TEST(std::fabs(biquad::response_db(c, 500, rate)) < 0.01);
}

BOOST_AUTO_TEST_CASE(peaking_has_its_gain_at_the_centre_and_none_far_away) {
  const auto c = biquad::peaking(1500, 3, 0.7, rate);
  BOOST_TEST(std::fabs(biquad::response_db(c, 1500, rate) - 3.0) < 1e-9);
  BOOST_TEST(std::fabs(biquad::response_db(c, 0, rate)) < 1e-9);
  BOOST_TEST(std::fabs(biquad::response_db(c, rate / 2, rate)) < 1e-9);
  BOOST_TEST(biquad::response_db(c, 1000, rate) > 1.0);
  BOOST_TEST(biquad::response_db(c, 1000, rate) < 3.0);
  // A cut mirrors a boost in dB (RBJ peaking filters are symmetric).
  const auto cut = biquad::peaking(1500, -3, 0.7, rate);
  BOOST_TEST(std::fabs(biquad::response_db(cut, 900, rate) + biquad::response_db(c, 900, rate)) <
             1e-9);
}

BOOST_AUTO_TEST_CASE(zero_gain_designs_are_the_identity) {
  BOOST_TEST(biquad::low_shelf(200, 0, rate).is_identity());
  BOOST_TEST(biquad::high_shelf(8000, 0, rate).is_identity());
  BOOST_TEST(biquad::peaking(400, 0, 0.7, rate).is_identity());
  BOOST_TEST(!biquad::peaking(400, 0.1, 0.7, rate).is_identity());
  BOOST_TEST(biquad::response_db(biquad_coefficients{}, 1234, rate) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_design_parameters_throw) {
  BOOST_CHECK_THROW(biquad::low_shelf(0, 3, rate), std::invalid_argument);
  BOOST_CHECK_THROW(biquad::low_shelf(24000, 3, rate), std::invalid_argument);
  BOOST_CHECK_THROW(biquad::high_shelf(8000, 3, 0), std::invalid_argument);
  BOOST_CHECK_THROW(biquad::peaking(1000, 3, 0, rate), std::invalid_argument);
  BOOST_CHECK_THROW(biquad::peaking(1000, std::nan(""), 0.7, rate), std::invalid_argument);
  BOOST_CHECK_THROW(biquad::low_shelf(200, 3, rate, -1), std::invalid_argument);
}
