#define BOOST_TEST_MODULE opus_chunk_decoder
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_chunk_format.hpp"
#include "codec/opus_segmented_format.hpp"

#include "codec_test_support.hpp"

#include <opus/opus.h>

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_decoder;
using auralis::codec::opus_chunk_encoder;
using auralis::codec::opus_chunk_format;
using auralis::codec::opus_options;
using auralis::codec::opus_segmented_format;
using auralis::test::best_lag;
using auralis::test::check_joins;
using auralis::test::correlation;
using auralis::test::expect_codec_error;
using auralis::test::music_like_pcm16;
using auralis::test::tonal_pcm16;

namespace {

using bytes = std::vector<unsigned char>;

bytes encode(const std::vector<std::int16_t>& pcm) {
  opus_chunk_encoder e;
  return e.encode(pcm);
}

void expect_decode_error(const bytes& blob, codec_errc code) {
  opus_chunk_decoder d;
  expect_codec_error([&] { d.decode(blob); }, code);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_15_s_chunk_round_trips_with_the_same_length_and_correlation) {
  const auto pcm = music_like_pcm16(720000);
  opus_chunk_decoder d;
  const auto out = d.decode(encode(pcm));
  BOOST_TEST(out.size() == 1440000u);
  const double r = correlation(pcm, out);
  BOOST_TEST_MESSAGE("15 s round trip correlation " << r);
  BOOST_TEST(r >= 0.99);
}

BOOST_AUTO_TEST_CASE(the_round_trip_has_its_cross_correlation_peak_at_lag_0) {
  const auto pcm = music_like_pcm16(96000, 7);
  opus_chunk_decoder d;
  const auto out = d.decode(encode(pcm));
  BOOST_TEST(out.size() == pcm.size());
  BOOST_TEST(best_lag(pcm, out, 480) == 0);
  // Both channels, both ends of the chunk: the first and last 960 frames match as well.
  const std::vector<std::int16_t> head(pcm.begin(), pcm.begin() + 1920);
  const std::vector<std::int16_t> head_out(out.begin(), out.begin() + 1920);
  const std::vector<std::int16_t> tail(pcm.end() - 1920, pcm.end());
  const std::vector<std::int16_t> tail_out(out.end() - 1920, out.end());
  BOOST_TEST(correlation(head, head_out) >= 0.99);
  BOOST_TEST(correlation(tail, tail_out) >= 0.99);
}

BOOST_AUTO_TEST_CASE(any_frame_count_comes_back_unchanged) {
  opus_chunk_encoder e;
  opus_chunk_decoder d;
  for (std::int64_t frames : {0, 1, 311, 312, 647, 648, 649, 959, 960, 961, 1000, 48017}) {
    BOOST_TEST_CONTEXT(frames << " frames") {
      const auto pcm = music_like_pcm16(frames, 3);
      const auto out = d.decode(e.encode(pcm));
      BOOST_TEST(out.size() == pcm.size());
      if (frames >= 960)
        BOOST_TEST(correlation(pcm, out) >= 0.99);
    }
  }
}

BOOST_AUTO_TEST_CASE(each_blob_decodes_the_same_whatever_was_decoded_before) {
  const auto a = encode(music_like_pcm16(20000, 1));
  const auto b = encode(music_like_pcm16(20000, 2));
  opus_chunk_decoder fresh;
  const auto b_alone = fresh.decode(b);
  opus_chunk_decoder reused;
  reused.decode(a);
  BOOST_TEST(reused.decode(b) == b_alone);
}

BOOST_AUTO_TEST_CASE(decode_into_fills_exactly_frame_count_frames) {
  const auto pcm = music_like_pcm16(5000);
  const auto blob = encode(pcm);
  opus_chunk_decoder d;
  const auto expected = d.decode(blob);
  std::vector<std::int16_t> out(10000 + 4, 12345);
  BOOST_TEST(d.decode_into(blob.data(), blob.size(), out.data(), out.size()) == 5000u);
  BOOST_TEST(std::vector<std::int16_t>(out.begin(), out.begin() + 10000) == expected);
  BOOST_TEST(out[10000] == 12345);
  BOOST_TEST(out[10003] == 12345);
  // Too little room: corrupt, and nothing written.
  std::vector<std::int16_t> small(9999, 12345);
  expect_codec_error([&] { d.decode_into(blob.data(), blob.size(), small.data(), small.size()); },
                     codec_errc::corrupt);
  BOOST_TEST(small == std::vector<std::int16_t>(9999, 12345));
}

BOOST_AUTO_TEST_CASE(a_moved_decoder_keeps_working_and_the_moved_from_one_refuses) {
  const auto blob = encode(music_like_pcm16(3000));
  opus_chunk_decoder first;
  const auto expected = first.decode(blob);
  opus_chunk_decoder second(std::move(first));
  BOOST_TEST(second.decode(blob) == expected);
  expect_codec_error([&] { first.decode(blob); }, codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(an_empty_or_null_blob_is_corrupt) {
  opus_chunk_decoder d;
  expect_codec_error([&] { d.decode(nullptr, 0); }, codec_errc::corrupt);
  expect_decode_error(bytes{}, codec_errc::corrupt);
}

BOOST_AUTO_TEST_CASE(a_blob_truncated_anywhere_is_corrupt) {
  const bytes good = encode(music_like_pcm16(9600));
  BOOST_TEST_MESSAGE("0.2 s blob: " << good.size() << " bytes");
  opus_chunk_decoder d;
  for (std::size_t n = 0; n < good.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n << " bytes") {
      // A copy of exactly n bytes, so that ASan sees any read past the end.
      const bytes b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
      expect_codec_error([&] { d.decode(b); }, codec_errc::corrupt);
    }
  }
  BOOST_TEST(d.decode(good).size() == 19200u);
}

BOOST_AUTO_TEST_CASE(a_flipped_byte_anywhere_is_corrupt) {
  const bytes good = encode(music_like_pcm16(9600));
  opus_chunk_decoder d;
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (unsigned mask : {0x01u, 0xFFu}) {
      BOOST_TEST_CONTEXT("byte " << at << " ^ " << mask) {
        bytes b = good;
        b[at] = static_cast<unsigned char>(b[at] ^ mask);
        expect_codec_error([&] { d.decode(b); }, codec_errc::corrupt);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(huge_declared_counts_are_corrupt_not_allocated) {
  const auto pcm = music_like_pcm16(9600);
  opus_chunk_encoder e;
  const bytes b = e.encode_segment(pcm.data(), 9600, 0, 9600);
  const std::uint32_t max32 = std::numeric_limits<std::uint32_t>::max();
  // Frame count 2^32 - 1 with the matching packet count: 8.6 G samples must not be
  // allocated; the length table is not there, so the blob is corrupt.
  bytes frames = b;
  frames[12] = frames[13] = frames[14] = frames[15] = 0xFF;
  const auto packets = static_cast<std::uint32_t>(opus_chunk_format::packets_for(max32, 312));
  for (int i = 0; i < 4; ++i)
    frames[20 + i] = static_cast<unsigned char>(packets >> (8 * i));
  expect_decode_error(frames, codec_errc::corrupt);
  bytes count = b;
  count[20] = count[21] = count[22] = count[23] = 0xFF;
  expect_decode_error(count, codec_errc::corrupt);
  // The container's total and segment counts: corrupt before anything is allocated.
  const bytes c = encode(pcm);
  bytes total = c;
  total[8] = total[9] = total[10] = total[11] = 0xFF;
  expect_decode_error(total, codec_errc::corrupt);
  bytes segments = c;
  segments[6] = segments[7] = 0xFF;
  expect_decode_error(segments, codec_errc::corrupt);
}

BOOST_AUTO_TEST_CASE(a_well_formed_blob_with_an_undecodable_packet_fails_to_decode) {
  // 648 frames + 312 pre-skip = one packet. 0xFF 0xFF: code 3 claiming 63 frames of
  // 20 ms, which no Opus packet may hold.
  const std::uint16_t lengths[] = {2};
  const unsigned char invalid[] = {0xFF, 0xFF};
  expect_decode_error(opus_chunk_format::assemble(648, 312, lengths, 1, invalid, 2),
                      codec_errc::decode_failed);
}

BOOST_AUTO_TEST_CASE(a_packet_of_the_wrong_duration_is_corrupt) {
  const std::uint16_t lengths[] = {3};
  // TOC 0xF4: CELT fullband 10 ms, stereo, one frame (480 samples, not 960).
  const unsigned char ten_ms[] = {0xF4, 0x00, 0x00};
  expect_decode_error(opus_chunk_format::assemble(648, 312, lengths, 1, ten_ms, 3),
                      codec_errc::corrupt);
  // TOC 0xFD: CELT fullband 20 ms, stereo, two equal frames (1920 samples).
  const unsigned char forty_ms[] = {0xFD, 0x00, 0x00};
  expect_decode_error(opus_chunk_format::assemble(648, 312, lengths, 1, forty_ms, 3),
                      codec_errc::corrupt);
}

namespace {

/// Decodes every segment of `blob` alone and copies each to its first frame.
std::vector<std::int16_t> decode_apart(const bytes& blob) {
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  std::vector<std::int16_t> out(2 * static_cast<std::size_t>(chunk.frame_count()), 0x5555);
  for (std::uint32_t k = 0; k < chunk.segment_count(); ++k) {
    opus_chunk_decoder own; // one decoder per segment, as on separate workers
    const auto part = own.decode_segment(blob.data(), blob.size(), k);
    const auto s = chunk.segment_at(k);
    BOOST_TEST(part.size() == 2u * s.frame_count);
    std::copy(part.begin(), part.end(), out.begin() + 2 * static_cast<std::ptrdiff_t>(s.first_frame));
  }
  return out;
}

} // namespace

namespace {

/// Segment `k` of `blob` decoded by libopus' own 16-bit opus_decode() from a fresh
/// decoder, its pre-skip dropped and cut to its frame count.
std::vector<std::int16_t> libopus_segment(const bytes& blob, std::uint32_t k) {
  const opus_chunk_format part = opus_segmented_format::parse(blob).segment_format(k);
  int rc = OPUS_OK;
  OpusDecoder* ref = opus_decoder_create(48000, 2, &rc);
  BOOST_REQUIRE(rc == OPUS_OK);
  std::vector<std::int16_t> all;
  std::vector<std::int16_t> packet(2 * 960);
  part.for_each_packet([&](std::uint32_t, const unsigned char* data, std::size_t size) {
    const int got = opus_decode(ref, data, static_cast<opus_int32>(size), packet.data(), 960, 0);
    BOOST_REQUIRE(got == 960);
    all.insert(all.end(), packet.begin(), packet.end());
  });
  opus_decoder_destroy(ref);
  const auto first = all.begin() + 2 * static_cast<std::ptrdiff_t>(part.pre_skip());
  return {first, first + 2 * static_cast<std::ptrdiff_t>(part.frame_count())};
}

} // namespace

BOOST_AUTO_TEST_CASE(the_samples_are_those_of_libopus_own_16_bit_decode) {
  // Eight times louder, clipped: the decoded signal overshoots 1.0, so the soft clip and
  // the clamp are exercised as well as the rounding.
  auto pcm = music_like_pcm16(200000, 9);
  for (auto& x : pcm)
    x = static_cast<std::int16_t>(std::clamp(8 * static_cast<int>(x), -32768, 32767));
  const bytes blob = encode(pcm);
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  BOOST_REQUIRE(chunk.segment_count() == 4u);
  opus_chunk_decoder d;
  std::size_t at_full_scale = 0;
  for (std::uint32_t k = 0; k < chunk.segment_count(); ++k) {
    const auto ours = d.decode_segment(blob.data(), blob.size(), k);
    const auto theirs = libopus_segment(blob, k);
    BOOST_REQUIRE(ours.size() == theirs.size());
    BOOST_TEST((ours == theirs), "segment " << k);
    at_full_scale += static_cast<std::size_t>(std::count_if(
      ours.begin(), ours.end(), [](std::int16_t x) { return x == 32767 || x == -32768; }));
  }
  BOOST_TEST_MESSAGE(at_full_scale << " samples at full scale");
  BOOST_TEST(at_full_scale > 0u);
}

BOOST_AUTO_TEST_CASE(segments_decoded_apart_and_joined_are_the_whole_decode) {
  const auto pcm = music_like_pcm16(720000, 5);
  const bytes blob = encode(pcm);
  BOOST_REQUIRE(opus_segmented_format::parse(blob).segment_count() == 4u);
  opus_chunk_decoder d;
  const auto whole = d.decode(blob);
  BOOST_TEST(whole.size() == pcm.size());
  BOOST_TEST((decode_apart(blob) == whole));
  BOOST_TEST(correlation(pcm, whole) >= 0.99);
}

BOOST_AUTO_TEST_CASE(the_joins_have_their_peak_at_lag_0_and_no_click) {
  const auto pcm = tonal_pcm16(720000);
  const bytes blob = encode(pcm);
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  BOOST_REQUIRE(chunk.segment_count() == 4u);
  opus_chunk_decoder d;
  const auto out = d.decode(blob);
  BOOST_REQUIRE(out.size() == pcm.size());
  BOOST_TEST(correlation(pcm, out) >= 0.99);
  check_joins(pcm, out, chunk);
}

BOOST_AUTO_TEST_CASE(any_frame_count_comes_back_unchanged_in_any_number_of_segments) {
  for (int segments : {1, 2, 3, 16}) {
    opus_options o;
    o.complexity = 0;
    o.segments = segments;
    opus_chunk_encoder e(o);
    for (std::int64_t frames : {0, 1, 959, 961, 2881, 48017}) {
      BOOST_TEST_CONTEXT(frames << " frames in up to " << segments << " segments") {
        const auto pcm = music_like_pcm16(frames, 4);
        const bytes blob = e.encode(pcm);
        opus_chunk_decoder d;
        const auto out = d.decode(blob);
        BOOST_TEST(out.size() == pcm.size());
        BOOST_TEST((decode_apart(blob) == out));
        if (frames >= 9600)
          BOOST_TEST(correlation(pcm, out) >= 0.99);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_bare_version_1_blob_still_decodes_as_one_segment) {
  const auto pcm = music_like_pcm16(20000, 6);
  opus_chunk_encoder e;
  const bytes bare = e.encode_segment(pcm.data(), 20000, 0, 20000);
  opus_chunk_decoder d;
  const auto out = d.decode(bare);
  BOOST_TEST(out.size() == pcm.size());
  BOOST_TEST(correlation(pcm, out) >= 0.99);
  BOOST_TEST((d.decode_segment(bare.data(), bare.size(), 0) == out));
  expect_codec_error([&] { d.decode_segment(bare.data(), bare.size(), 1); },
                     codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(decode_segment_into_fills_exactly_the_segment_and_checks_room) {
  const auto pcm = music_like_pcm16(9600);
  const bytes blob = encode(pcm);
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  BOOST_REQUIRE(chunk.segment_count() == 4u);
  const auto s = chunk.segment_at(2);
  opus_chunk_decoder d;
  const auto whole = d.decode(blob);
  std::vector<std::int16_t> out(2 * s.frame_count + 2, 12345);
  BOOST_TEST(d.decode_segment_into(blob.data(), blob.size(), 2, out.data(), out.size()) ==
             s.frame_count);
  BOOST_TEST((std::vector<std::int16_t>(out.begin(), out.end() - 2) ==
              std::vector<std::int16_t>(whole.begin() + 2 * s.first_frame,
                                        whole.begin() + 2 * (s.first_frame + s.frame_count))));
  BOOST_TEST(out[2 * s.frame_count] == 12345);
  std::vector<std::int16_t> small(2 * s.frame_count - 1, 12345);
  expect_codec_error(
    [&] { d.decode_segment_into(blob.data(), blob.size(), 2, small.data(), small.size()); },
    codec_errc::corrupt);
  BOOST_TEST((small == std::vector<std::int16_t>(2 * s.frame_count - 1, 12345)));
  expect_codec_error([&] { d.decode_segment(blob.data(), blob.size(), 4); },
                     codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_corrupt_segment_fails_its_own_decode_and_the_whole_one_only) {
  const bytes good = encode(music_like_pcm16(9600));
  const opus_segmented_format chunk = opus_segmented_format::parse(good);
  const auto s = chunk.segment_at(1);
  bytes b = good;
  b[static_cast<std::size_t>(s.data - good.data()) + s.size - 1] ^= 0x01; // its last packet byte
  opus_chunk_decoder d;
  std::vector<std::int16_t> out(2 * 9600, 12345);
  // Validated before decoding: the whole decode writes nothing.
  expect_codec_error([&] { d.decode_into(b.data(), b.size(), out.data(), out.size()); },
                     codec_errc::corrupt);
  BOOST_TEST((out == std::vector<std::int16_t>(2 * 9600, 12345)));
  expect_codec_error([&] { d.decode_segment(b.data(), b.size(), 1); }, codec_errc::corrupt);
  BOOST_TEST(d.decode_segment(b.data(), b.size(), 0).size() == 2u * chunk.segment_at(0).frame_count);
  BOOST_TEST(d.decode_segment(b.data(), b.size(), 2).size() == 2u * chunk.segment_at(2).frame_count);
}

BOOST_AUTO_TEST_CASE(a_segment_truncated_or_flipped_anywhere_is_corrupt_when_decoded_alone) {
  const bytes good = encode(music_like_pcm16(9600));
  opus_chunk_decoder d;
  for (std::size_t n = 0; n < good.size(); n += 7) {
    BOOST_TEST_CONTEXT("truncated to " << n << " bytes") {
      const bytes b(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
      for (std::uint32_t k = 0; k < 4; ++k)
        expect_codec_error([&] { d.decode_segment(b.data(), b.size(), k); }, codec_errc::corrupt);
    }
  }
  const opus_segmented_format chunk = opus_segmented_format::parse(good);
  for (std::uint32_t k = 0; k < 4; ++k) {
    const auto s = chunk.segment_at(k);
    const auto first = static_cast<std::size_t>(s.data - good.data());
    for (std::size_t at = first; at < first + s.size; at += 5) {
      BOOST_TEST_CONTEXT("segment " << k << ", byte " << at << " flipped") {
        bytes b = good;
        b[at] ^= 0x01;
        expect_codec_error([&] { d.decode_segment(b.data(), b.size(), k); }, codec_errc::corrupt);
      }
    }
  }
}
