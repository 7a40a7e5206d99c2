#define BOOST_TEST_MODULE ogg_opus_remux
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/little_endian.hpp"
#include "codec/ogg_opus_remux.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_segmented_format.hpp"

#include "codec_test_support.hpp"
#include "ogg_opus_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::load_u16;
using auralis::codec::load_u32;
using auralis::codec::opus_chunk_encoder;
using auralis::codec::opus_options;
using auralis::codec::opus_segmented_format;
using auralis::codec::remux_to_ogg_opus;
using auralis::test::best_lag;
using auralis::test::check_joins;
using auralis::test::correlation;
using auralis::test::expect_codec_error;
using auralis::test::music_like_pcm16;
using auralis::test::ogg_opus_frames;
using auralis::test::ogg_opus_pcm;
using auralis::test::tonal_pcm16;

namespace {

using bytes = std::vector<unsigned char>;

/// One Ogg page of a file: where it starts, its header type flags, granule position and
/// the offset of its body.
struct page_view {
  std::size_t at = 0;
  unsigned flags = 0;
  std::uint64_t granule = 0;
  std::size_t body = 0;
  std::size_t end = 0;
};

/// The pages of an Ogg file, walked by their headers (RFC 3533).
std::vector<page_view> pages_of(const bytes& file) {
  std::vector<page_view> pages;
  for (std::size_t at = 0; at + 27 <= file.size();) {
    BOOST_REQUIRE(std::memcmp(file.data() + at, "OggS", 4) == 0);
    page_view p;
    p.at = at;
    p.flags = file[at + 5];
    p.granule = static_cast<std::uint64_t>(load_u32(file.data() + at + 6)) |
                static_cast<std::uint64_t>(load_u32(file.data() + at + 10)) << 32;
    const std::size_t lacing = file[at + 26];
    BOOST_REQUIRE(at + 27 + lacing <= file.size());
    std::size_t body_bytes = 0;
    for (std::size_t i = 0; i < lacing; ++i)
      body_bytes += file[at + 27 + i];
    p.body = at + 27 + lacing;
    p.end = p.body + body_bytes;
    BOOST_REQUIRE(p.end <= file.size());
    pages.push_back(p);
    at = p.end;
  }
  return pages;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_15_s_chunk_plays_back_at_lag_0_with_no_click_at_its_joins) {
  // The tonal signal makes the codec's error small, so a click where the decoder passes
  // from one segment's packets to the next would stand out (as in the container's own
  // join test).
  const auto pcm = tonal_pcm16(720000);
  opus_chunk_encoder e;
  const bytes blob = e.encode(pcm);
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  BOOST_REQUIRE(chunk.segment_count() == 4u);
  const bytes file = remux_to_ogg_opus(chunk);
  const auto out = ogg_opus_pcm(file.data(), file.size());
  BOOST_REQUIRE(out.has_value());
  BOOST_REQUIRE(out->size() == pcm.size());
  BOOST_TEST(correlation(pcm, *out) >= 0.99);
  check_joins(pcm, *out, chunk);
}

BOOST_AUTO_TEST_CASE(any_frame_count_in_any_number_of_segments_plays_back_exactly) {
  for (int segments : {1, 2, 3, 16}) {
    opus_options o;
    o.complexity = 0;
    o.segments = segments;
    opus_chunk_encoder e(o);
    for (std::int64_t frames : {1, 959, 960, 961, 2881, 48017}) {
      BOOST_TEST_CONTEXT(frames << " frames in up to " << segments << " segments") {
        const auto pcm = music_like_pcm16(frames, 4);
        const bytes blob = e.encode(pcm);
        const bytes file = remux_to_ogg_opus(opus_segmented_format::parse(blob));
        const auto out = ogg_opus_pcm(file.data(), file.size());
        BOOST_REQUIRE(out.has_value());
        BOOST_TEST(out->size() == pcm.size());
        if (frames >= 9600)
          BOOST_TEST(correlation(pcm, *out) >= 0.95);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_bare_blob_plays_back_as_one_segment) {
  const auto pcm = music_like_pcm16(30000, 2);
  opus_chunk_encoder e;
  const bytes blob = e.encode_segment(pcm.data(), 30000, 0, 30000);
  const bytes file = remux_to_ogg_opus(opus_segmented_format::parse(blob));
  BOOST_TEST(ogg_opus_frames(file.data(), file.size()) == 30000);
}

BOOST_AUTO_TEST_CASE(the_file_has_rfc_7845_headers_a_trimming_last_page_and_fixed_bytes) {
  const auto pcm = music_like_pcm16(100000, 3);
  opus_chunk_encoder e;
  const bytes blob = e.encode(pcm);
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  const bytes file = remux_to_ogg_opus(chunk);
  BOOST_TEST((remux_to_ogg_opus(chunk) == file));
  const auto pages = pages_of(file);
  BOOST_REQUIRE(pages.size() >= 3u);
  BOOST_TEST(pages.back().end == file.size());
  // Page 1: OpusHead alone, beginning of stream.
  BOOST_TEST(pages[0].flags == 0x02u);
  BOOST_TEST(pages[0].granule == 0u);
  BOOST_REQUIRE(pages[0].end - pages[0].body == 19u);
  const unsigned char* head = file.data() + pages[0].body;
  BOOST_TEST(std::memcmp(head, "OpusHead", 8) == 0);
  BOOST_TEST(head[8] == 1u);                // version
  BOOST_TEST(head[9] == 2u);                // channels
  BOOST_TEST(load_u16(head + 10) == 312u);  // pre-skip: the encoder's lookahead
  BOOST_TEST(load_u32(head + 12) == 48000u);
  BOOST_TEST(load_u16(head + 16) == 0u);    // output gain
  BOOST_TEST(head[18] == 0u);               // mapping family
  // Page 2: OpusTags, ending its page.
  BOOST_TEST(pages[1].flags == 0u);
  BOOST_TEST(pages[1].granule == 0u);
  BOOST_TEST(std::memcmp(file.data() + pages[1].body, "OpusTags", 8) == 0);
  // Audio pages: granule positions rising; the last one ends the stream and trims it to
  // the chunk's frames after the pre-skip.
  for (std::size_t i = 3; i < pages.size(); ++i)
    BOOST_TEST(pages[i].granule > pages[i - 1].granule);
  BOOST_TEST(pages.back().flags == 0x04u);
  BOOST_TEST(pages.back().granule == 312u + 100000u);
}

BOOST_AUTO_TEST_CASE(segments_off_one_packet_grid_are_refused) {
  // A first segment of 480 frames: the next one cannot continue its packets.
  const auto pcm = music_like_pcm16(20000, 5);
  opus_chunk_encoder e;
  const bytes blob = opus_segmented_format::assemble(
    {e.encode_segment(pcm.data(), 20000, 0, 480), e.encode_segment(pcm.data(), 20000, 480, 19520)});
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  const auto what =
    expect_codec_error([&] { remux_to_ogg_opus(chunk); }, codec_errc::invalid_argument);
  BOOST_TEST(what.find("segment 0 holds 480 frames, not a whole number of packets") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_corrupt_segment_is_refused_as_corrupt) {
  const auto pcm = music_like_pcm16(48000, 6);
  opus_chunk_encoder e;
  bytes blob = e.encode(pcm);
  const auto s = opus_segmented_format::parse(blob).segment_at(2);
  const auto at = static_cast<std::size_t>(s.data - blob.data()) + s.size - 1;
  blob[at] ^= 0x40; // the last packet byte of segment 2: only its own CRC sees it
  const opus_segmented_format chunk = opus_segmented_format::parse(blob);
  expect_codec_error([&] { remux_to_ogg_opus(chunk); }, codec_errc::corrupt);
}
