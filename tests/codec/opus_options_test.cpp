#define BOOST_TEST_MODULE opus_options
#include <boost/test/unit_test.hpp>

#include <string>

#include "codec/opus_options.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_options;

namespace {

/// Expects validate() to throw codec_error (invalid_argument) naming `field`.
void expect_rejected(const opus_options& o, const std::string& field) {
  const std::string what =
    auralis::test::expect_codec_error([&] { o.validate(); }, codec_errc::invalid_argument);
  BOOST_TEST(what.find(field) != std::string::npos);
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_are_160_kbps_at_complexity_10_in_4_segments) {
  const opus_options o;
  BOOST_TEST(o.bitrate_bps == 160000);
  BOOST_TEST(o.complexity == 10);
  BOOST_TEST(o.segments == 4);
  BOOST_CHECK_NO_THROW(o.validate());
}

BOOST_AUTO_TEST_CASE(sane_options_are_accepted_up_to_the_limits) {
  BOOST_CHECK_NO_THROW((opus_options{6000, 0}.validate()));
  BOOST_CHECK_NO_THROW((opus_options{510000, 10}.validate()));
  BOOST_CHECK_NO_THROW((opus_options{96000, 5}.validate()));
  BOOST_CHECK_NO_THROW((opus_options{128000, 10}.validate()));
  BOOST_CHECK_NO_THROW((opus_options{160000, 10, 1}.validate()));
  BOOST_CHECK_NO_THROW((opus_options{160000, 10, 16}.validate()));
}

BOOST_AUTO_TEST_CASE(insane_bitrates_are_rejected) {
  expect_rejected(opus_options{5999, 10}, "bitrate_bps");
  expect_rejected(opus_options{510001, 10}, "bitrate_bps");
  expect_rejected(opus_options{0, 10}, "bitrate_bps");
  expect_rejected(opus_options{-160000, 10}, "bitrate_bps");
  expect_rejected(opus_options{160, 10}, "bitrate_bps"); // kbps passed as bps
}

BOOST_AUTO_TEST_CASE(insane_complexities_are_rejected) {
  expect_rejected(opus_options{160000, -1}, "complexity");
  expect_rejected(opus_options{160000, 11}, "complexity");
  expect_rejected(opus_options{160000, 100}, "complexity");
}

BOOST_AUTO_TEST_CASE(insane_segment_counts_are_rejected) {
  expect_rejected(opus_options{160000, 10, 0}, "segments");
  expect_rejected(opus_options{160000, 10, 17}, "segments");
  expect_rejected(opus_options{160000, 10, -4}, "segments");
}
