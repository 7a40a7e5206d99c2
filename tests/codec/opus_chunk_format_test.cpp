#define BOOST_TEST_MODULE opus_chunk_format
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "codec/opus_chunk_format.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_format;
using auralis::test::expect_codec_error;
using auralis::test::reference_crc;

namespace {

using bytes = std::vector<unsigned char>;


/// The CRC a blob should carry: bytes [0, 24) and [28, end).
std::uint32_t blob_crc(const bytes& b) {
  return reference_crc(b, 28, b.size(), reference_crc(b, 0, 24));
}

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

/// Rewrites the CRC after a deliberate edit, so the structural checks are what fails.
void reseal(bytes& b) { put_u32(b, 24, blob_crc(b)); }

/// 1000 frames with pre-skip 312 need 2 packets; these are 3 and 5 bytes.
bytes small_blob() {
  const std::uint16_t lengths[] = {3, 5};
  const unsigned char packets[] = {10, 11, 12, 20, 21, 22, 23, 24};
  return opus_chunk_format::assemble(1000, 312, lengths, 2, packets, sizeof packets);
}

void expect_corrupt(const bytes& b) {
  expect_codec_error([&] { opus_chunk_format::parse(b); }, codec_errc::corrupt);
}

} // namespace

BOOST_AUTO_TEST_CASE(packet_count_and_blob_size_follow_the_documented_formulas) {
  BOOST_TEST(opus_chunk_format::packets_for(720000, 312) == 751u);
  BOOST_TEST(opus_chunk_format::packets_for(0, 312) == 1u);
  BOOST_TEST(opus_chunk_format::packets_for(0, 0) == 0u);
  BOOST_TEST(opus_chunk_format::packets_for(648, 312) == 1u);
  BOOST_TEST(opus_chunk_format::packets_for(649, 312) == 2u);
  BOOST_TEST(opus_chunk_format::blob_size(751, 300000) == 28u + 1502u + 300000u);
}

BOOST_AUTO_TEST_CASE(assemble_writes_the_documented_byte_layout) {
  const bytes b = small_blob();
  BOOST_TEST(b.size() == 28u + 2 * 2 + 8);
  BOOST_TEST(b.capacity() == b.size());
  BOOST_TEST(std::memcmp(b.data(), "AOPC", 4) == 0);
  BOOST_TEST(u16_at(b, 4) == 1u);     // version
  BOOST_TEST(b[6] == 2u);             // channels
  BOOST_TEST(b[7] == 0u);             // reserved
  BOOST_TEST(u32_at(b, 8) == 48000u); // sample rate
  BOOST_TEST(u32_at(b, 12) == 1000u); // frame count
  BOOST_TEST(u16_at(b, 16) == 960u);  // frame size
  BOOST_TEST(u16_at(b, 18) == 312u);  // pre-skip
  BOOST_TEST(u32_at(b, 20) == 2u);    // packet count
  BOOST_TEST(u32_at(b, 24) == blob_crc(b));
  BOOST_TEST(u16_at(b, 28) == 3u);
  BOOST_TEST(u16_at(b, 30) == 5u);
  const std::vector<unsigned char> payload(b.begin() + 32, b.end());
  BOOST_TEST(payload == (bytes{10, 11, 12, 20, 21, 22, 23, 24}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_checksum_is_the_standard_crc32) {
  // The CRC-32 check value: "123456789" -> 0xCBF43926, with the blob's bytes around it.
  const unsigned char digits[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  const bytes text(digits, digits + 9);
  BOOST_TEST(reference_crc(text, 0, text.size()) == 0xCBF43926u);
  // A blob long enough for the eight-byte inner loop and its tail.
  std::vector<std::uint16_t> lengths(751, 0);
  bytes packets;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    lengths[i] = static_cast<std::uint16_t>(1 + (i * 37) % 400);
    for (std::uint16_t k = 0; k < lengths[i]; ++k)
      packets.push_back(static_cast<unsigned char>(i * 31 + k * 7));
  }
  const bytes b = opus_chunk_format::assemble(720000, 312, lengths.data(), lengths.size(),
                                              packets.data(), packets.size());
  BOOST_TEST(u32_at(b, 24) == blob_crc(b));
}

BOOST_AUTO_TEST_CASE(parse_reads_back_the_header_and_walks_the_packets) {
  const bytes b = small_blob();
  const opus_chunk_format chunk = opus_chunk_format::parse(b);
  BOOST_TEST(chunk.frame_count() == 1000u);
  BOOST_TEST(chunk.pre_skip() == 312u);
  BOOST_TEST(chunk.packet_count() == 2u);
  BOOST_TEST(chunk.size_bytes() == b.size());
  std::vector<std::size_t> offsets, sizes;
  chunk.for_each_packet([&](std::uint32_t i, const unsigned char* p, std::size_t n) {
    BOOST_TEST(i == offsets.size());
    offsets.push_back(static_cast<std::size_t>(p - b.data()));
    sizes.push_back(n);
  });
  BOOST_TEST(offsets == (std::vector<std::size_t>{32, 35}), boost::test_tools::per_element());
  BOOST_TEST(sizes == (std::vector<std::size_t>{3, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_chunk_without_lookahead_is_just_the_header) {
  const bytes b = opus_chunk_format::assemble(0, 0, nullptr, 0, nullptr, 0);
  BOOST_TEST(b.size() == 28u);
  const opus_chunk_format chunk = opus_chunk_format::parse(b);
  BOOST_TEST(chunk.frame_count() == 0u);
  BOOST_TEST(chunk.packet_count() == 0u);
}

BOOST_AUTO_TEST_CASE(assemble_rejects_inconsistent_packets) {
  const unsigned char packets[2 * 1276] = {}; // enough for the largest case below
  const std::uint16_t ok[] = {3, 5};
  expect_codec_error([&] { opus_chunk_format::assemble(1000, 312, ok, 1, packets, 3); },
                     codec_errc::invalid_argument);
  expect_codec_error([&] { opus_chunk_format::assemble(1000, 312, ok, 2, packets, 9); },
                     codec_errc::invalid_argument);
  const std::uint16_t zero[] = {3, 0};
  expect_codec_error([&] { opus_chunk_format::assemble(1000, 312, zero, 2, packets, 3); },
                     codec_errc::invalid_argument);
  const std::uint16_t huge[] = {3, 1277};
  expect_codec_error([&] { opus_chunk_format::assemble(1000, 312, huge, 2, packets, 1280); },
                     codec_errc::invalid_argument);
  const std::uint16_t largest[] = {1276, 1276};
  BOOST_CHECK_NO_THROW(opus_chunk_format::assemble(1000, 312, largest, 2, packets, 2552));
}

BOOST_AUTO_TEST_CASE(an_empty_or_null_blob_is_corrupt) {
  expect_codec_error([] { opus_chunk_format::parse(nullptr, 0); }, codec_errc::corrupt);
  expect_corrupt(bytes{});
}

BOOST_AUTO_TEST_CASE(every_truncation_is_corrupt) {
  const bytes b = small_blob();
  for (std::size_t n = 0; n < b.size(); ++n) {
    BOOST_TEST_CONTEXT("truncated to " << n << " bytes") {
      // A copy of exactly n bytes, so that ASan sees any read past the end.
      expect_corrupt(bytes(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)));
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_bytes_are_corrupt) {
  bytes b = small_blob();
  b.push_back(0);
  expect_corrupt(b);
  reseal(b);
  expect_corrupt(b);
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_is_corrupt) {
  const bytes good = small_blob();
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (unsigned mask : {0x01u, 0x80u, 0xFFu}) {
      BOOST_TEST_CONTEXT("byte " << at << " ^ " << mask) {
        bytes b = good;
        b[at] = static_cast<unsigned char>(b[at] ^ mask);
        expect_corrupt(b);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(each_header_field_is_checked_even_with_a_matching_crc) {
  const bytes good = small_blob();
  auto edited = [&](auto edit) {
    bytes b = good;
    edit(b);
    reseal(b);
    return b;
  };
  expect_corrupt(edited([](bytes& b) { b[0] = 'X'; }));
  expect_corrupt(edited([](bytes& b) { put_u16(b, 4, 2); }));
  expect_corrupt(edited([](bytes& b) { b[6] = 1; }));
  expect_corrupt(edited([](bytes& b) { b[7] = 1; }));
  expect_corrupt(edited([](bytes& b) { put_u32(b, 8, 44100); }));
  expect_corrupt(edited([](bytes& b) { put_u32(b, 12, 2000); }));  // needs 3 packets
  expect_corrupt(edited([](bytes& b) { put_u16(b, 16, 480); }));
  expect_corrupt(edited([](bytes& b) { put_u16(b, 18, 1000); }));  // needs 3 packets
  expect_corrupt(edited([](bytes& b) { put_u32(b, 20, 3); }));
  expect_corrupt(edited([](bytes& b) { put_u16(b, 28, 0); }));     // zero-length packet
  expect_corrupt(edited([](bytes& b) { put_u16(b, 28, 1277); }));  // longer than Opus allows
  expect_corrupt(edited([](bytes& b) { put_u16(b, 28, 4); }));     // runs past the end
  expect_corrupt(edited([](bytes& b) { put_u16(b, 28, 2); }));     // leaves a byte over
}

BOOST_AUTO_TEST_CASE(huge_declared_counts_are_corrupt_without_reading_past_the_blob) {
  const bytes good = small_blob();
  const std::uint32_t max32 = std::numeric_limits<std::uint32_t>::max();
  {
    // Consistent header, but the length table of 4.5 million packets is not there.
    bytes b = good;
    put_u32(b, 12, max32);
    put_u32(b, 20, static_cast<std::uint32_t>(opus_chunk_format::packets_for(max32, 312)));
    reseal(b);
    expect_corrupt(b);
  }
  {
    bytes b = good;
    put_u32(b, 20, max32);
    reseal(b);
    expect_corrupt(b);
  }
  {
    bytes b = good;
    put_u16(b, 18, 0xFFFF);
    put_u32(b, 20, static_cast<std::uint32_t>(opus_chunk_format::packets_for(1000, 0xFFFF)));
    reseal(b);
    expect_corrupt(b);
  }
}
