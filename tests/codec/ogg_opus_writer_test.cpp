#define BOOST_TEST_MODULE ogg_opus_writer
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include <opus/opusfile.h>

#include "codec/ogg_opus_remux.hpp"
#include "codec/ogg_opus_writer.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_options.hpp"
#include "codec/opus_segmented_format.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::opus_chunk_encoder;
using auralis::codec::opus_options;
using auralis::codec::opus_segmented_format;
using auralis::codec::remux_to_ogg_opus;
using auralis::codec::write_ogg_opus;
using auralis::test::best_lag;
using auralis::test::correlation;
using auralis::test::expect_codec_error;
using auralis::test::music_like_pcm16;

namespace {

struct opusfile_closer {
  void operator()(OggOpusFile* f) const noexcept { op_free(f); }
};
using opusfile_ptr = std::unique_ptr<OggOpusFile, opusfile_closer>;

opusfile_ptr open_memory(const std::vector<unsigned char>& file) {
  int error = 0;
  opusfile_ptr f(op_open_memory(file.data(), file.size(), &error));
  BOOST_REQUIRE_MESSAGE(f && error == 0, "op_open_memory failed: " << error);
  return f;
}

/// Everything opusfile decodes from the file, interleaved stereo 16-bit.
std::vector<std::int16_t> read_all(OggOpusFile* f) {
  std::vector<std::int16_t> out;
  std::int16_t buffer[2 * 5760];
  for (;;) {
    const int frames = op_read_stereo(f, buffer, 2 * 5760);
    BOOST_REQUIRE_MESSAGE(frames >= 0, "op_read_stereo failed: " << frames);
    if (frames == 0)
      return out;
    out.insert(out.end(), buffer, buffer + 2 * frames);
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(opusfile_reads_back_the_same_length_at_lag_0) {
  const auto pcm = music_like_pcm16(96000 + 123, 5);
  const auto file = write_ogg_opus(pcm, opus_options{});
  BOOST_TEST(std::memcmp(file.data(), "OggS", 4) == 0);
  const opusfile_ptr f = open_memory(file);
  BOOST_TEST(op_pcm_total(f.get(), -1) == 96123);
  const OpusHead* head = op_head(f.get(), -1);
  BOOST_TEST(head->channel_count == 2);
  BOOST_TEST(head->input_sample_rate == 48000u);
  BOOST_TEST(head->pre_skip == 312u);
  const auto out = read_all(f.get());
  BOOST_TEST(out.size() == pcm.size());
  BOOST_TEST(correlation(pcm, out) >= 0.99);
  BOOST_TEST(best_lag(pcm, out, 480) == 0);
}

BOOST_AUTO_TEST_CASE(a_15_s_chunk_keeps_its_length_and_shape) {
  const auto pcm = music_like_pcm16(720000);
  const auto file = write_ogg_opus(pcm, opus_options{});
  const opusfile_ptr f = open_memory(file);
  BOOST_TEST(op_pcm_total(f.get(), -1) == 720000);
  const auto out = read_all(f.get());
  BOOST_TEST(out.size() == pcm.size());
  BOOST_TEST(correlation(pcm, out) >= 0.99);
  // About 160 kbps plus the Ogg framing: 15 s is about 300 kB.
  BOOST_TEST(file.size() > 250000u);
  BOOST_TEST(file.size() < 350000u);
}

BOOST_AUTO_TEST_CASE(short_inputs_keep_their_exact_length) {
  for (std::int64_t frames : {1, 311, 960, 1000}) {
    BOOST_TEST_CONTEXT(frames << " frames") {
      const auto file = write_ogg_opus(music_like_pcm16(frames), opus_options{});
      const opusfile_ptr f = open_memory(file);
      BOOST_TEST(op_pcm_total(f.get(), -1) == frames);
      BOOST_TEST(read_all(f.get()).size() == static_cast<std::size_t>(2 * frames));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_same_input_gives_the_same_bytes) {
  const auto pcm = music_like_pcm16(20000);
  BOOST_TEST(write_ogg_opus(pcm, opus_options{}) == write_ogg_opus(pcm, opus_options{}));
  // The bitrate option reaches the encoder.
  BOOST_TEST(write_ogg_opus(pcm, opus_options{64000, 10}).size() <
             write_ogg_opus(pcm, opus_options{}).size());
}

BOOST_AUTO_TEST_CASE(a_fresh_encode_and_the_answer_from_an_l3_entry_are_the_same_file) {
  const auto pcm = music_like_pcm16(200000, 8);
  opus_chunk_encoder encoder;
  const auto entry = encoder.encode(pcm); // what L3 holds for this PCM
  BOOST_TEST(write_ogg_opus(encoder, pcm.data(), 200000) ==
             remux_to_ogg_opus(opus_segmented_format::parse(entry)));
  BOOST_TEST(write_ogg_opus(pcm, opus_options{}) == write_ogg_opus(encoder, pcm.data(), 200000));
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_rejected) {
  const auto pcm = music_like_pcm16(1000);
  expect_codec_error([&] { write_ogg_opus(pcm, opus_options{600000, 10}); },
                     codec_errc::invalid_argument);
  expect_codec_error([&] { write_ogg_opus(pcm, opus_options{160000, -1}); },
                     codec_errc::invalid_argument);
  expect_codec_error([] { write_ogg_opus(std::vector<std::int16_t>{}, opus_options{}); },
                     codec_errc::invalid_argument);
  const std::vector<std::int16_t> odd(1001, 0);
  expect_codec_error([&] { write_ogg_opus(odd, opus_options{}); }, codec_errc::invalid_argument);
}
