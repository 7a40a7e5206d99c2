#define BOOST_TEST_MODULE opus_segmented_format
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/opus_chunk_format.hpp"
#include "codec/opus_segmented_format.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_format;
using auralis::codec::opus_segmented_format;
using auralis::test::expect_codec_error;
using auralis::test::reference_crc;

namespace {

using bytes = std::vector<unsigned char>;


std::uint32_t u16_at(const bytes& b, std::size_t at) { return b[at] | b[at + 1] << 8; }
std::uint32_t u32_at(const bytes& b, std::size_t at) {
  return u16_at(b, at) | u16_at(b, at + 2) << 16;
}
void put_u16(bytes& b, std::size_t at, std::uint32_t v) {
  b[at] = static_cast<unsigned char>(v);
  b[at + 1] = static_cast<unsigned char>(v >> 8);
}
void put_u32(bytes& b, std::size_t at, std::uint32_t v) {
  put_u16(b, at, v & 0xFFFF);
  put_u16(b, at + 2, v >> 16);
}

/// The header CRC a container should carry: bytes [0, 12) and the table of `segments`.
std::uint32_t header_crc(const bytes& b, std::size_t segments) {
  return reference_crc(b, 16, 16 + 8 * segments, reference_crc(b, 0, 12));
}

/// Rewrites the header CRC after a deliberate edit (for the segment count the header now
/// states, as far as the table fits), so that the structural checks are what fails.
void reseal(bytes& b) {
  const std::size_t segments = std::min<std::size_t>(u16_at(b, 6), (b.size() - 16) / 8);
  put_u32(b, 12, header_crc(b, segments));
}

/// A version-1 blob of `frames` frames (pre-skip 312) with made-up packets.
bytes segment_blob(std::uint32_t frames, unsigned char fill) {
  const auto count = static_cast<std::size_t>(opus_chunk_format::packets_for(frames, 312));
  std::vector<std::uint16_t> lengths(count, 3);
  const bytes packets(3 * count, fill);
  return opus_chunk_format::assemble(frames, 312, lengths.data(), count, packets.data(),
                                     packets.size());
}

/// Three segments of 1000, 2000 and 500 frames.
std::vector<bytes> three_segments() {
  return {segment_blob(1000, 1), segment_blob(2000, 2), segment_blob(500, 3)};
}

bytes small_container() { return opus_segmented_format::assemble(three_segments()); }

void expect_corrupt(const bytes& b) {
  expect_codec_error([&] { opus_segmented_format::parse(b); }, codec_errc::corrupt);
}

} // namespace

BOOST_AUTO_TEST_CASE(assemble_writes_the_documented_layout) {
  const auto segments = three_segments();
  const bytes b = opus_segmented_format::assemble(segments);
  const std::size_t payload = segments[0].size() + segments[1].size() + segments[2].size();
  BOOST_TEST(b.size() == 16u + 3u * 8u + payload);
  BOOST_TEST(b.capacity() == b.size());
  BOOST_TEST(std::memcmp(b.data(), "AOPS", 4) == 0);
  BOOST_TEST(u16_at(b, 4) == 1u);
  BOOST_TEST(u16_at(b, 6) == 3u);
  BOOST_TEST(u32_at(b, 8) == 3500u);
  BOOST_TEST(u32_at(b, 12) == header_crc(b, 3));
  BOOST_TEST(u32_at(b, 16) == 1000u);
  BOOST_TEST(u32_at(b, 20) == segments[0].size());
  BOOST_TEST(u32_at(b, 24) == 2000u);
  BOOST_TEST(u32_at(b, 28) == segments[1].size());
  BOOST_TEST(u32_at(b, 32) == 500u);
  BOOST_TEST(u32_at(b, 36) == segments[2].size());
  std::size_t at = 40;
  for (const auto& s : segments) {
    BOOST_TEST(bytes(b.begin() + static_cast<std::ptrdiff_t>(at),
                     b.begin() + static_cast<std::ptrdiff_t>(at + s.size())) == s);
    at += s.size();
  }
}

BOOST_AUTO_TEST_CASE(parse_reads_back_the_segments_and_their_frame_ranges) {
  const auto segments = three_segments();
  const bytes b = opus_segmented_format::assemble(segments);
  BOOST_TEST(opus_segmented_format::has_magic(b.data(), b.size()));
  const opus_segmented_format chunk = opus_segmented_format::parse(b);
  BOOST_TEST(chunk.frame_count() == 3500u);
  BOOST_TEST(chunk.segment_count() == 3u);
  BOOST_TEST(chunk.size_bytes() == b.size());
  const std::uint32_t firsts[] = {0, 1000, 3000};
  const std::uint32_t counts[] = {1000, 2000, 500};
  std::size_t offset = 40;
  for (std::uint32_t k = 0; k < 3; ++k) {
    BOOST_TEST_CONTEXT("segment " << k) {
      const auto s = chunk.segment_at(k);
      BOOST_TEST(s.first_frame == firsts[k]);
      BOOST_TEST(s.frame_count == counts[k]);
      BOOST_TEST(s.size == segments[k].size());
      BOOST_TEST(static_cast<std::size_t>(s.data - b.data()) == offset);
      BOOST_TEST(chunk.segment_format(k).frame_count() == counts[k]);
      offset += s.size;
    }
  }
  expect_codec_error([&] { chunk.segment_at(3); }, codec_errc::invalid_argument);
  expect_codec_error([&] { chunk.segment_format(3); }, codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_bare_version_1_blob_is_a_container_of_one_segment) {
  const bytes bare = segment_blob(1234, 9);
  BOOST_TEST(!opus_segmented_format::has_magic(bare.data(), bare.size()));
  const opus_segmented_format chunk = opus_segmented_format::parse(bare);
  BOOST_TEST(chunk.frame_count() == 1234u);
  BOOST_TEST(chunk.segment_count() == 1u);
  const auto s = chunk.segment_at(0);
  BOOST_TEST(s.data == bare.data());
  BOOST_TEST(s.size == bare.size());
  BOOST_TEST(s.first_frame == 0u);
  BOOST_TEST(s.frame_count == 1234u);
  // A bare blob is validated whole: a flipped packet byte is corrupt at parse time.
  bytes bad = bare;
  bad.back() ^= 0x01;
  expect_corrupt(bad);
}

BOOST_AUTO_TEST_CASE(assemble_rejects_what_no_container_holds) {
  expect_codec_error([] { opus_segmented_format::assemble({}); }, codec_errc::invalid_argument);
  const std::vector<bytes> too_many(65, segment_blob(10, 1));
  expect_codec_error([&] { opus_segmented_format::assemble(too_many); },
                     codec_errc::invalid_argument);
  const std::vector<bytes> most(64, segment_blob(10, 1));
  const bytes most_container = opus_segmented_format::assemble(most);
  BOOST_TEST(opus_segmented_format::parse(most_container).segment_count() == 64u);
  auto broken = three_segments();
  broken[1][30] ^= 0x01; // a length byte: the segment's CRC no longer matches
  expect_codec_error([&] { opus_segmented_format::assemble(broken); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { opus_segmented_format::assemble({bytes{1, 2, 3}}); },
                     codec_errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(an_empty_or_null_container_is_corrupt) {
  expect_codec_error([] { opus_segmented_format::parse(nullptr, 0); }, codec_errc::corrupt);
  expect_corrupt(bytes{});
  expect_corrupt(bytes{'A', 'O', 'P', 'S'});
}

BOOST_AUTO_TEST_CASE(every_truncation_is_corrupt) {
  const bytes b = small_container();
  for (std::size_t n = 0; n < b.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n << " bytes") {
      // A copy of exactly n bytes, so that ASan sees any read past the end.
      expect_corrupt(bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)));
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_are_corrupt) {
  bytes b = small_container();
  b.push_back(0);
  expect_corrupt(b);
}

BOOST_AUTO_TEST_CASE(every_flipped_header_or_table_byte_is_corrupt_at_parse) {
  const bytes good = small_container();
  for (std::size_t at = 0; at < 40; ++at) {
    for (unsigned mask : {0x01u, 0x80u, 0xFFu}) {
      BOOST_TEST_CONTEXT("byte " << at << " ^ " << mask) {
        bytes b = good;
        b[at] = static_cast<unsigned char>(b[at] ^ mask);
        expect_corrupt(b);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_flipped_segment_byte_is_corrupt_when_that_segment_is_read) {
  const bytes good = small_container();
  const auto second = opus_segmented_format::parse(good).segment_at(1);
  const auto at = static_cast<std::size_t>(second.data - good.data()) + 5;
  bytes b = good;
  b[at] ^= 0x01;
  // The structure is intact; the segment itself fails its own CRC.
  const opus_segmented_format chunk = opus_segmented_format::parse(b);
  BOOST_CHECK_NO_THROW(chunk.segment_format(0));
  expect_codec_error([&] { chunk.segment_format(1); }, codec_errc::corrupt);
  BOOST_CHECK_NO_THROW(chunk.segment_format(2));
}

BOOST_AUTO_TEST_CASE(each_header_and_table_field_is_checked_even_with_a_matching_crc) {
  const bytes good = small_container();
  auto edited = [&](auto edit) {
    bytes b = good;
    edit(b);
    reseal(b);
    return b;
  };
  expect_corrupt(edited([](bytes& b) { b[0] = 'X'; }));
  expect_corrupt(edited([](bytes& b) { put_u16(b, 4, 2); }));           // version
  expect_corrupt(edited([](bytes& b) { put_u16(b, 6, 0); }));           // no segments
  expect_corrupt(edited([](bytes& b) { put_u16(b, 6, 65); }));          // too many
  expect_corrupt(edited([](bytes& b) { put_u16(b, 6, 2); }));           // fewer: bytes left over
  expect_corrupt(edited([](bytes& b) { put_u16(b, 6, 4); }));           // more: frames do not add up
  expect_corrupt(edited([](bytes& b) { put_u32(b, 8, 3501); }));        // total frames
  expect_corrupt(edited([](bytes& b) { put_u32(b, 8, 0xFFFFFFFFu); })); // huge total
  expect_corrupt(edited([](bytes& b) { put_u32(b, 20, 27); }));         // shorter than a header
  expect_corrupt(edited([](bytes& b) { put_u32(b, 20, 0xFFFFFFFFu); })); // past the end
  expect_corrupt(edited([](bytes& b) { put_u32(b, 36, u32_at(b, 36) - 1); }));
  // Frame counts moved between segments still add up: parse accepts the table, and each
  // segment whose blob disagrees with it is corrupt when read.
  const bytes moved = edited([](bytes& b) {
    put_u32(b, 16, 1001);
    put_u32(b, 24, 1999);
  });
  const opus_segmented_format chunk = opus_segmented_format::parse(moved);
  expect_codec_error([&] { chunk.segment_format(0); }, codec_errc::corrupt);
  expect_codec_error([&] { chunk.segment_format(1); }, codec_errc::corrupt);
  BOOST_CHECK_NO_THROW(chunk.segment_format(2));
  // The unedited container passes.
  const bytes unedited = edited([](bytes&) {});
  BOOST_CHECK_NO_THROW(opus_segmented_format::parse(unedited));
}

BOOST_AUTO_TEST_CASE(a_huge_declared_segment_count_is_corrupt_not_read) {
  bytes b = small_container();
  put_u16(b, 6, 64); // the table of 64 would reach past the end of this 3-segment container
  bytes tiny(b.begin(), b.begin() + 16 + 8 * 10);
  expect_corrupt(tiny);
  put_u16(b, 6, 0xFFFF);
  expect_corrupt(b);
}
