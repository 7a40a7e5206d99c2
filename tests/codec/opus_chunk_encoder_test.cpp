#define BOOST_TEST_MODULE opus_chunk_encoder
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_chunk_format.hpp"
#include "codec/opus_segmented_format.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_encoder;
using auralis::codec::opus_chunk_format;
using auralis::codec::opus_options;
using auralis::codec::opus_segmented_format;
using auralis::test::expect_codec_error;
using auralis::test::music_like_pcm16;

BOOST_AUTO_TEST_CASE(insane_options_are_rejected_at_construction) {
  expect_codec_error([] { opus_chunk_encoder e(opus_options{5000, 10}); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { opus_chunk_encoder e(opus_options{160000, 11}); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { opus_chunk_encoder e(opus_options{160000, 10, 0}); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { opus_chunk_encoder e(opus_options{160000, 10, 17}); },
                     codec_errc::invalid_argument);
  const opus_chunk_encoder e(opus_options{96000, 5});
  BOOST_TEST(e.options().bitrate_bps == 96000);
  BOOST_TEST(e.options().complexity == 5);
}

BOOST_AUTO_TEST_CASE(the_lookahead_is_312_samples_at_48_khz) {
  const opus_chunk_encoder e;
  BOOST_TEST(e.lookahead() == 312);
}

BOOST_AUTO_TEST_CASE(the_warmup_is_two_whole_packets_on_the_first_segments_grid) {
  const opus_chunk_encoder e;
  BOOST_TEST(e.warmup() == 1920);
  BOOST_TEST(e.warmup() % opus_chunk_format::frame_size == 0);
}

BOOST_AUTO_TEST_CASE(a_segment_blob_records_frames_and_pre_skip_and_counts_its_bytes_exactly) {
  opus_chunk_encoder e;
  const auto pcm = music_like_pcm16(48017);
  struct range {
    std::size_t first, count, pre_skip;
  };
  // The warm-up is cut short where the chunk starts less than 1920 frames before.
  for (const range r : {range{0, 0, 312}, range{0, 1, 312}, range{0, 48017, 312},
                        range{960, 960, 312 + 960}, range{1608, 100, 1920},
                        range{9600, 38417, 2232}, range{48017, 0, 2232}}) {
    BOOST_TEST_CONTEXT("frames [" << r.first << ", +" << r.count << ")") {
      const auto blob = e.encode_segment(pcm.data(), 48017, r.first, r.count);
      const opus_chunk_format chunk = opus_chunk_format::parse(blob);
      BOOST_TEST(chunk.frame_count() == r.count);
      BOOST_TEST(chunk.pre_skip() == r.pre_skip);
      BOOST_TEST(chunk.packet_count() == opus_chunk_format::packets_for(r.count, r.pre_skip));
      BOOST_TEST(chunk.size_bytes() == blob.size());
      BOOST_TEST(blob.capacity() == blob.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(a_segment_outside_the_chunk_is_rejected) {
  opus_chunk_encoder e;
  const auto pcm = music_like_pcm16(1000);
  expect_codec_error([&] { e.encode_segment(pcm.data(), 1000, 1001, 0); },
                     codec_errc::invalid_argument);
  expect_codec_error([&] { e.encode_segment(pcm.data(), 1000, 500, 501); },
                     codec_errc::invalid_argument);
  expect_codec_error([&] { e.encode_segment(pcm.data(), 1000, 1, ~std::size_t{0}); },
                     codec_errc::invalid_argument);
  BOOST_CHECK_NO_THROW(e.encode_segment(pcm.data(), 1000, 500, 500));
}

BOOST_AUTO_TEST_CASE(the_container_splits_the_chunk_at_packet_boundaries_into_the_configured_segments) {
  struct expectation {
    std::int64_t frames;
    int segments;
    std::vector<std::uint32_t> counts;
  };
  for (const auto& x : {expectation{0, 4, {0}}, expectation{1, 4, {1}},
                        expectation{960, 4, {960}}, expectation{961, 4, {960, 1}},
                        expectation{4 * 960, 4, {960, 960, 960, 960}},
                        expectation{48017, 4, {11520, 12480, 12480, 11537}},
                        expectation{720000, 4, {179520, 180480, 179520, 180480}},
                        expectation{720000, 1, {720000}},
                        expectation{720000, 2, {360000, 360000}},
                        expectation{720000, 16, {}}}) {
    BOOST_TEST_CONTEXT(x.frames << " frames in " << x.segments << " segments") {
      opus_options o;
      o.complexity = 0;
      o.segments = x.segments;
      opus_chunk_encoder e(o);
      const auto blob = e.encode(music_like_pcm16(x.frames));
      BOOST_TEST(blob.capacity() == blob.size());
      const opus_segmented_format chunk = opus_segmented_format::parse(blob);
      BOOST_TEST(chunk.frame_count() == static_cast<std::uint32_t>(x.frames));
      const auto expected_segments = x.counts.empty() ? 16u : x.counts.size();
      BOOST_REQUIRE(chunk.segment_count() == expected_segments);
      std::uint32_t first = 0;
      for (std::uint32_t k = 0; k < chunk.segment_count(); ++k) {
        const auto s = chunk.segment_at(k);
        if (!x.counts.empty())
          BOOST_TEST(s.frame_count == x.counts[k]);
        BOOST_TEST(s.first_frame == first);
        BOOST_TEST(s.first_frame % 960 == 0u);
        const opus_chunk_format f = chunk.segment_format(k);
        // The warm-up: 1920 frames, fewer where the chunk starts closer than that.
        BOOST_TEST(f.pre_skip() == 312u + std::min(s.first_frame, 1920u));
        first += s.frame_count;
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(one_segment_holds_exactly_the_blob_of_the_whole_chunk) {
  const auto pcm = music_like_pcm16(30000);
  opus_options o;
  o.segments = 1;
  opus_chunk_encoder e(o);
  const auto container = e.encode(pcm);
  const auto whole = e.encode_segment(pcm.data(), 30000, 0, 30000);
  const opus_segmented_format chunk = opus_segmented_format::parse(container);
  BOOST_REQUIRE(chunk.segment_count() == 1u);
  const auto s = chunk.segment_at(0);
  BOOST_TEST(std::vector<unsigned char>(s.data, s.data + s.size) == whole);
}

BOOST_AUTO_TEST_CASE(a_15_s_chunk_at_160_kbps_is_about_a_tenth_of_its_pcm) {
  opus_chunk_encoder e;
  const auto pcm = music_like_pcm16(720000);
  const auto single = e.encode_segment(pcm.data(), 720000, 0, 720000);
  BOOST_TEST(opus_chunk_format::parse(single).packet_count() == 751u);
  const auto blob = e.encode(pcm);
  // Four segments: 750 packets of audio, one of lookahead in the first segment and three
  // of warm-up and lookahead (1920 + 312 frames) in each of the others.
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  std::uint32_t packets = 0;
  for (std::uint32_t k = 0; k < chunk.segment_count(); ++k)
    packets += chunk.segment_format(k).packet_count();
  BOOST_TEST(packets == 760u);
  const double ratio = static_cast<double>(pcm.size() * sizeof(std::int16_t)) / blob.size();
  BOOST_TEST_MESSAGE("15 s at 160 kbps in 4 segments: " << blob.size() << " bytes, PCM / Opus = "
                                                         << ratio);
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
