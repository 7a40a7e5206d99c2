#define BOOST_TEST_MODULE opus_chunk_encoder
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <utility>
#include <vector>

#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_chunk_format.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_encoder;
using auralis::codec::opus_chunk_format;
using auralis::codec::opus_options;
using auralis::test::expect_codec_error;
using auralis::test::music_like_pcm16;

BOOST_AUTO_TEST_CASE(insane_options_are_rejected_at_construction) {
  expect_codec_error([] { opus_chunk_encoder e(opus_options{5000, 10}); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { opus_chunk_encoder e(opus_options{160000, 11}); },
                     codec_errc::invalid_argument);
  const opus_chunk_encoder e(opus_options{96000, 5});
  BOOST_TEST(e.options().bitrate_bps == 96000);
  BOOST_TEST(e.options().complexity == 5);
}

BOOST_AUTO_TEST_CASE(the_lookahead_is_312_samples_at_48_khz) {
  const opus_chunk_encoder e;
  BOOST_TEST(e.lookahead() == 312);
}

BOOST_AUTO_TEST_CASE(the_blob_records_frames_and_lookahead_and_counts_its_bytes_exactly) {
  opus_chunk_encoder e;
  for (std::int64_t frames : {0, 1, 648, 649, 960, 1000, 48017}) {
    BOOST_TEST_CONTEXT(frames << " frames") {
      const auto blob = e.encode(music_like_pcm16(frames));
      const opus_chunk_format chunk = opus_chunk_format::parse(blob);
      BOOST_TEST(chunk.frame_count() == static_cast<std::uint32_t>(frames));
      BOOST_TEST(chunk.pre_skip() == 312u);
      BOOST_TEST(chunk.packet_count() == opus_chunk_format::packets_for(frames, 312));
      BOOST_TEST(chunk.size_bytes() == blob.size());
      BOOST_TEST(blob.capacity() == blob.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_15_s_chunk_at_160_kbps_is_about_a_tenth_of_its_pcm) {
  opus_chunk_encoder e;
  const auto pcm = music_like_pcm16(720000);
  const auto blob = e.encode(pcm);
  BOOST_TEST(opus_chunk_format::parse(blob).packet_count() == 751u);
  const double ratio = static_cast<double>(pcm.size() * sizeof(std::int16_t)) / blob.size();
  BOOST_TEST_MESSAGE("15 s at 160 kbps: " << blob.size() << " bytes, PCM / Opus = " << ratio);
  BOOST_TEST(ratio >= 9.0);
  BOOST_TEST(ratio <= 11.0);
  // The bitrate option reaches the encoder: 96 kbps gives a clearly smaller blob.
  opus_chunk_encoder low(opus_options{96000, 10});
  const auto small = low.encode(pcm);
  BOOST_TEST(static_cast<double>(small.size()) < 0.7 * static_cast<double>(blob.size()));
}

BOOST_AUTO_TEST_CASE(chunks_are_independent_of_what_the_encoder_did_before) {
  const auto a = music_like_pcm16(30000, 1);
  const auto b = music_like_pcm16(30000, 2);
  opus_chunk_encoder reused;
  const auto a1 = reused.encode(a);
  const auto b_after_a = reused.encode(b);
  const auto a2 = reused.encode(a);
  opus_chunk_encoder fresh;
  const auto b_fresh = fresh.encode(b);
  BOOST_TEST(a1 == a2);
  BOOST_TEST(b_after_a == b_fresh);
  BOOST_TEST(a1 != b_fresh);
}

BOOST_AUTO_TEST_CASE(an_odd_sample_count_is_rejected) {
  opus_chunk_encoder e;
  const std::vector<std::int16_t> odd(1001, 0);
  expect_codec_error([&] { e.encode(odd); }, codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_moved_encoder_keeps_working_and_the_moved_from_one_refuses) {
  const auto pcm = music_like_pcm16(5000);
  opus_chunk_encoder first;
  const auto expected = first.encode(pcm);
  opus_chunk_encoder second(std::move(first));
  BOOST_TEST(second.encode(pcm) == expected);
  expect_codec_error([&] { first.encode(pcm); }, codec_errc::invalid_argument);
  opus_chunk_encoder third(opus_options{64000, 0});
  third = std::move(second);
  BOOST_TEST(third.encode(pcm) == expected);
  BOOST_TEST(third.options().bitrate_bps == 160000);
}
