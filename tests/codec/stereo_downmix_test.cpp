#define BOOST_TEST_MODULE stereo_downmix
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <vector>

#include <sndfile.h>

#include "codec/stereo_downmix.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::stereo_downmix;
using auralis::test::expect_codec_error;
using order = stereo_downmix::surround_order;

namespace {

std::vector<float> fold(const stereo_downmix& d, const std::vector<float>& in) {
  const auto frames = static_cast<std::int64_t>(in.size()) / d.channels();
  std::vector<float> out(static_cast<std::size_t>(frames) * 2, -99.f);
  d.apply(in.data(), frames, out.data());
  return out;
}

constexpr float k = 0.70710678f; // -3 dB

} // namespace

BOOST_AUTO_TEST_CASE(mono_is_copied_to_both_sides) {
  const stereo_downmix d(1, {}, order::wav);
  const std::vector<float> out = fold(d, {0.25f, -1.f, 0.125f});
  const std::vector<float> expected{0.25f, 0.25f, -1.f, -1.f, 0.125f, 0.125f};
  BOOST_TEST(out == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stereo_passes_through_bit_exact) {
  const stereo_downmix d(2, {SF_CHANNEL_MAP_LEFT, SF_CHANNEL_MAP_RIGHT}, order::vorbis);
  const std::vector<float> in{0.1f, -0.2f, 1.5f, -1e-30f, 0.f, 0.33333334f};
  const std::vector<float> out = fold(d, in);
  BOOST_TEST(out == in, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(four_channels_without_a_map_average_even_and_odd_channels) {
  const stereo_downmix d(4, {}, order::wav);
  BOOST_TEST(d.gain(0, 0) == 0.5f);
  BOOST_TEST(d.gain(0, 1) == 0.f);
  BOOST_TEST(d.gain(0, 2) == 0.5f);
  BOOST_TEST(d.gain(1, 1) == 0.5f);
  BOOST_TEST(d.gain(1, 3) == 0.5f);
  const std::vector<float> out = fold(d, {1.f, 0.5f, 0.25f, -0.5f, /**/ -1.f, 0.f, 1.f, 0.f});
  const std::vector<float> expected{0.625f, 0.f, 0.f, 0.f};
  BOOST_TEST(out == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(three_channels_give_two_thirds_left_and_one_right) {
  const stereo_downmix d(3, {}, order::wav);
  const std::vector<float> out = fold(d, {0.5f, 0.25f, 0.5f});
  BOOST_TEST(out[0] == 0.5f);
  BOOST_TEST(out[1] == 0.25f);
}

BOOST_AUTO_TEST_CASE(five_one_in_wav_order_folds_itu_style) {
  const stereo_downmix d(6, {}, order::wav); // L R C LFE Ls Rs
  const float s = 1.f / (1.f + 2.f * k);
  BOOST_TEST(d.gain(0, 0) == s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(1, 0) == 0.f);
  BOOST_TEST(d.gain(1, 1) == s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(0, 2) == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(1, 2) == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(0, 3) == 0.f);
  BOOST_TEST(d.gain(1, 3) == 0.f);
  BOOST_TEST(d.gain(0, 4) == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(1, 4) == 0.f);
  BOOST_TEST(d.gain(1, 5) == k * s, boost::test_tools::tolerance(1e-6f));
  // All channels at full scale in phase (LFE too) reach exactly full scale, no more.
  const std::vector<float> out = fold(d, {1.f, 1.f, 1.f, 1.f, 1.f, 1.f});
  BOOST_TEST(out[0] == 1.f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(out[1] == 1.f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(five_one_in_vorbis_order_takes_centre_second_and_lfe_last) {
  const stereo_downmix d(6, {}, order::vorbis); // L C R Ls Rs LFE
  const float s = 1.f / (1.f + 2.f * k);
  // Only the centre sounds: both sides get it at -3 dB (scaled).
  std::vector<float> out = fold(d, {0.f, 1.f, 0.f, 0.f, 0.f, 0.f});
  BOOST_TEST(out[0] == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(out[1] == k * s, boost::test_tools::tolerance(1e-6f));
  // Only the last channel (LFE) sounds: dropped.
  out = fold(d, {0.f, 0.f, 0.f, 0.f, 0.f, 1.f});
  BOOST_TEST(out[0] == 0.f);
  BOOST_TEST(out[1] == 0.f);
  // Only the third channel (front right) sounds.
  out = fold(d, {0.f, 0.f, 1.f, 0.f, 0.f, 0.f});
  BOOST_TEST(out[0] == 0.f);
  BOOST_TEST(out[1] == s, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(declared_quad_map_weights_rear_channels_at_minus_3_db) {
  const stereo_downmix d(4,
                         {SF_CHANNEL_MAP_FRONT_LEFT, SF_CHANNEL_MAP_FRONT_RIGHT,
                          SF_CHANNEL_MAP_REAR_LEFT, SF_CHANNEL_MAP_REAR_RIGHT},
                         order::wav);
  const float s = 1.f / (1.f + k);
  BOOST_TEST(d.gain(0, 0) == s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(0, 2) == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(1, 3) == k * s, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(d.gain(1, 0) == 0.f);
  BOOST_TEST(d.gain(0, 3) == 0.f);
}

BOOST_AUTO_TEST_CASE(an_ambisonic_map_falls_back_to_even_and_odd_means) {
  const stereo_downmix d(4,
                         {SF_CHANNEL_MAP_AMBISONIC_B_W, SF_CHANNEL_MAP_AMBISONIC_B_X,
                          SF_CHANNEL_MAP_AMBISONIC_B_Y, SF_CHANNEL_MAP_AMBISONIC_B_Z},
                         order::wav);
  BOOST_TEST(d.gain(0, 0) == 0.5f);
  BOOST_TEST(d.gain(0, 2) == 0.5f);
  BOOST_TEST(d.gain(1, 1) == 0.5f);
  BOOST_TEST(d.gain(1, 3) == 0.5f);
  BOOST_TEST(d.gain(0, 1) == 0.f);
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw_invalid_argument) {
  expect_codec_error([] { stereo_downmix(0, {}, order::wav); }, codec_errc::invalid_argument);
  expect_codec_error([] { stereo_downmix(3, {SF_CHANNEL_MAP_LEFT}, order::wav); },
                     codec_errc::invalid_argument);
  const stereo_downmix d(2, {}, order::wav);
  BOOST_TEST(d.gain(0, 2) == 0.f);
  BOOST_TEST(d.gain(2, 0) == 0.f);
}
