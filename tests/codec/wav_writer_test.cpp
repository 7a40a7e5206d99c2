#define BOOST_TEST_MODULE wav_writer
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <vector>

#include <sndfile.h>

#include "codec/wav_writer.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::wav_header_bytes;
using auralis::codec::write_wav;
using auralis::test::expect_codec_error;

namespace {

using bytes = std::vector<unsigned char>;

std::uint32_t u16_at(const bytes& b, std::size_t at) { return b[at] | b[at + 1] << 8; }
std::uint32_t u32_at(const bytes& b, std::size_t at) {
  return u16_at(b, at) | u16_at(b, at + 2) << 16;
}
bool tag_at(const bytes& b, std::size_t at, const char* tag) {
  return std::memcmp(b.data() + at, tag, 4) == 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(stereo_48_khz_header_fields_and_payload_are_exact) {
  const std::vector<std::int16_t> pcm{0, 1, -1, 32767, -32768, 0x1234};
  const bytes b = write_wav(pcm);
  BOOST_TEST(wav_header_bytes == 44u);
  BOOST_TEST(b.size() == 44u + 12u);
  BOOST_TEST(tag_at(b, 0, "RIFF"));
  BOOST_TEST(u32_at(b, 4) == 36u + 12u);
  BOOST_TEST(tag_at(b, 8, "WAVE"));
  BOOST_TEST(tag_at(b, 12, "fmt "));
  BOOST_TEST(u32_at(b, 16) == 16u);       // fmt chunk size
  BOOST_TEST(u16_at(b, 20) == 1u);        // integer PCM
  BOOST_TEST(u16_at(b, 22) == 2u);        // channels
  BOOST_TEST(u32_at(b, 24) == 48000u);    // sample rate
  BOOST_TEST(u32_at(b, 28) == 192000u);   // byte rate
  BOOST_TEST(u16_at(b, 32) == 4u);        // block align
  BOOST_TEST(u16_at(b, 34) == 16u);       // bits per sample
  BOOST_TEST(tag_at(b, 36, "data"));
  BOOST_TEST(u32_at(b, 40) == 12u);
  const bytes payload(b.begin() + 44, b.end());
  const bytes expected{0x00, 0x00, 0x01, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x80, 0x34, 0x12};
  BOOST_TEST(payload == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(mono_44_1_khz_header_fields_are_exact) {
  const std::vector<std::int16_t> pcm(441, 7);
  const bytes b = write_wav(pcm, 1, 44100);
  BOOST_TEST(b.size() == 44u + 882u);
  BOOST_TEST(u32_at(b, 4) == 36u + 882u);
  BOOST_TEST(u16_at(b, 22) == 1u);
  BOOST_TEST(u32_at(b, 24) == 44100u);
  BOOST_TEST(u32_at(b, 28) == 88200u);
  BOOST_TEST(u16_at(b, 32) == 2u);
  BOOST_TEST(u32_at(b, 40) == 882u);
}

BOOST_AUTO_TEST_CASE(an_empty_buffer_is_a_header_with_no_data) {
  const bytes b = write_wav(std::vector<std::int16_t>{});
  BOOST_TEST(b.size() == 44u);
  BOOST_TEST(u32_at(b, 4) == 36u);
  BOOST_TEST(u32_at(b, 40) == 0u);
  BOOST_TEST(write_wav(nullptr, 0, 2, 48000) == b);
}

BOOST_AUTO_TEST_CASE(libsndfile_reads_the_bytes_back_sample_for_sample) {
  const auto pcm = auralis::test::music_like_pcm16(4800 + 7);
  const bytes b = write_wav(pcm);
  const auralis::test::scratch_dir dir("wav_writer");
  const std::string path = dir.file("chunk.wav");
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()),
                                              static_cast<std::streamsize>(b.size()));
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  BOOST_REQUIRE(f != nullptr);
  BOOST_TEST(info.channels == 2);
  BOOST_TEST(info.samplerate == 48000);
  BOOST_TEST(info.frames == 4807);
  BOOST_TEST(info.format == (SF_FORMAT_WAV | SF_FORMAT_PCM_16));
  std::vector<std::int16_t> back(pcm.size() + 2, 0);
  BOOST_TEST(sf_readf_short(f, back.data(), 4808) == 4807);
  sf_close(f);
  back.resize(pcm.size());
  BOOST_TEST(back == pcm);
}

BOOST_AUTO_TEST_CASE(bad_layouts_are_rejected) {
  const std::vector<std::int16_t> three(3, 0);
  expect_codec_error([&] { write_wav(three); }, codec_errc::invalid_argument);
  expect_codec_error([&] { write_wav(three, 0, 48000); }, codec_errc::invalid_argument);
  expect_codec_error([&] { write_wav(three, 9, 48000); }, codec_errc::invalid_argument);
  expect_codec_error([&] { write_wav(three, 1, 0); }, codec_errc::invalid_argument);
  expect_codec_error([&] { write_wav(three, 1, -48000); }, codec_errc::invalid_argument);
  // More than 4 GiB of data cannot be described by the 32-bit sizes (checked before any
  // allocation or read).
  expect_codec_error([] { write_wav(nullptr, std::size_t{1} << 30, 2, 48000); },
                     codec_errc::invalid_argument);
  BOOST_CHECK_NO_THROW(write_wav(three, 3, 8000));
}
