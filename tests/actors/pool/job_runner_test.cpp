#define BOOST_TEST_MODULE job_runner
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>

#include "codec/ogg_opus_test_support.hpp"

#include "actors/pool/job_error.hpp"
#include "actors/pool/job_runner.hpp"
#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"
#include "codec/codec_error.hpp"
#include "codec/opus_segmented_format.hpp"
#include "config/config_loader.hpp"
#include "dsp/loudness_analyser.hpp"
#include "dsp/mastering_chain.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
namespace codec = auralis::codec;
namespace config = auralis::config;
namespace dsp = auralis::dsp;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t chunk_frames = 48000; // 1 s chunks keep the test fast

config::preset_set presets() {
  return config::config_loader::parse_presets(config::embedded_presets_json, "presets");
}

/// A 2.5 s music-like 44.1 kHz FLAC (so the resampler is part of the path): 3 chunks, the
/// last one 0.5 s.
struct track_file {
  auralis::test::scratch_dir dir{"job-runner"};
  std::string path = dir.file("track.flac");
  track_file() {
    codec::write_audio_file(path, auralis::test::music_like(110250, 44100, 7), 2, 44100,
                            codec::file_format::flac_pcm16);
  }
  source_ref ref() const {
    const auto sig = codec::signature_of(path);
    return source_ref{path, sig.size, sig.mtime_ns, 120000};
  }
};

/// Part `part` of `parts` of track 5's analysis, of the file `src`.
job_spec analyse_job(const source_ref& src, std::int32_t part = 0, std::int32_t parts = 1) {
  job_spec j;
  j.kind = job_kind::analyse;
  j.key = analysis_key(5, part);
  j.analysis_parts = parts;
  j.source = src;
  return j;
}

job_spec render_job(const source_ref& src, const std::string& preset, std::int64_t chunk,
                    std::int32_t tenths = 10, double gain_db = 1.5) {
  job_spec j;
  j.kind = job_kind::render;
  j.key = cache_key{5, preset, tenths, chunk};
  j.priority = job_priority::immediate;
  j.source = src;
  j.loudness_gain_db = gain_db;
  return j;
}

engine_errc job_error_code(job_runner& runner, const job_spec& spec) {
  try {
    runner.run(spec);
  } catch (const job_error& e) {
    return e.code();
  }
  BOOST_FAIL("the job should have failed");
  return engine_errc::not_found;
}

/// `frames` frames of 48 kHz music-like 16-bit PCM, as a job payload's bytes.
std::shared_ptr<auralis::codec::byte_buffer> music_pcm(std::int64_t frames) {
  const auto f = auralis::test::music_like(frames, 48000);
  auto pcm = auralis::codec::byte_buffer::allocate(f.size() * 2);
  auto* s = reinterpret_cast<std::int16_t*>(pcm->data());
  for (std::size_t i = 0; i < f.size(); ++i)
    s[i] = static_cast<std::int16_t>(std::lround(f[i] * 32767.0f));
  return pcm;
}

/// Frames opusfile decodes from the Ogg Opus file `file`, read to the end (-1 when it is
/// not a stereo one).
std::int64_t decoded_frames(const codec::byte_buffer& file) {
  return auralis::test::ogg_opus_frames(file.data(), file.size());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_rendered_chunk_equals_the_chain_rendering_the_same_span) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  for (std::int64_t chunk : {0, 1, 2}) {
    for (std::int32_t tenths : {10, 4}) {
      const auto spec = render_job(file.ref(), "warm", chunk, tenths);
      const auto out = runner.run(spec);
      BOOST_TEST((out.kind == job_kind::render));
      BOOST_TEST((out.key == spec.key));
      BOOST_REQUIRE(out.output.data);
      const std::int64_t frames = chunk < 2 ? chunk_frames : 24000; // the last is short
      BOOST_REQUIRE(out.output.data->size() == static_cast<std::size_t>(frames * 4));

      // The same span through the chain by hand: the runner reads the longest pre-roll
      // before the chunk and the post-roll after it; the chain takes its own pre-roll from
      // the end of that.
      dsp::mastering_chain chain(*presets().find("warm"));
      auto src = codec::audio_source::open(file.path);
      const std::int64_t first = chunk * chunk_frames;
      const std::int64_t pre = chain.default_preroll_frames();
      const std::int64_t post = chain.postroll_frames();
      const auto [span_first, span_count] = runner.render_span(chunk, 120000, post);
      BOOST_TEST(span_first == first - 3 * 48000);
      BOOST_TEST(span_count == 3 * 48000 + frames + post);
      const auto input = src->read(span_first, span_count);
      dsp::render_request r;
      r.input = input.data() + 2 * (first - pre - span_first);
      r.input_frames = pre + frames + post;
      r.preroll_frames = pre;
      r.output_frames = frames;
      r.start_frame = first;
      r.intensity = tenths / 10.0;
      r.loudness_gain_db = 1.5;
      r.dither_seed = job_runner::dither_seed_of(spec.key);
      std::vector<std::int16_t> expected(static_cast<std::size_t>(2 * frames));
      chain.render_pcm(r, expected.data());
      BOOST_TEST(std::memcmp(expected.data(), out.output.data->data(), expected.size() * 2) == 0);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_same_job_gives_the_same_bytes) {
  track_file file;
  job_runner a({}, presets(), chunk_frames);
  job_runner b({}, presets(), chunk_frames);
  const auto spec = render_job(file.ref(), "punchy", 1);
  // `a` renders something else first, so its chain and source carry state from it.
  a.run(render_job(file.ref(), "punchy", 2));
  a.run(render_job(file.ref(), "gentle", 0));
  const auto x = a.run(spec);
  const auto y = b.run(spec);
  BOOST_TEST(*x.output.data == *y.output.data);
  // Another preset or intensity is another rendition with other bytes.
  const auto z = b.run(render_job(file.ref(), "bright", 1));
  BOOST_TEST(*x.output.data != *z.output.data);
  BOOST_TEST(job_runner::dither_seed_of(spec.key) !=
             job_runner::dither_seed_of(render_job(file.ref(), "punchy", 1, 9).key));
  BOOST_TEST(job_runner::dither_seed_of(spec.key) ==
             job_runner::dither_seed_of(render_job(file.ref(), "punchy", 0).key));
}

BOOST_AUTO_TEST_CASE(every_preset_and_intensity_of_a_chunk_reuses_the_span_read_once) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  job_runner fresh({}, presets(), chunk_frames); // reads every span anew
  std::uint64_t reads = 0;
  for (const std::string preset : {"adaptive", "gentle", "warm", "bright", "punchy"}) {
    for (std::int32_t tenths : {10, 3}) {
      const auto spec = render_job(file.ref(), preset, 1, tenths);
      const auto out = runner.run(spec);
      fresh.release_buffers();
      const auto expected = fresh.run(spec);
      ++reads;
      BOOST_TEST(out.input_reused == (reads > 1), preset << " at " << tenths);
      BOOST_TEST(!expected.input_reused);
      BOOST_TEST(*out.output.data == *expected.output.data, preset << " at " << tenths);
    }
  }
  BOOST_TEST(runner.span_reads() == 1u);
  BOOST_TEST(fresh.span_reads() == 10u);

  // Another chunk reads its own span; a release forgets the kept one.
  BOOST_TEST(!runner.run(render_job(file.ref(), "warm", 2)).input_reused);
  BOOST_TEST(runner.run(render_job(file.ref(), "bright", 2)).input_reused);
  BOOST_TEST(!runner.run(render_job(file.ref(), "bright", 1)).input_reused);
  runner.release_buffers();
  BOOST_TEST(!runner.run(render_job(file.ref(), "gentle", 1)).input_reused);
  BOOST_TEST(runner.span_reads() == 4u);

  // Another file with the same chunk index is not the kept span.
  track_file other;
  source_ref ref = other.ref();
  BOOST_TEST(!runner.run(render_job(ref, "gentle", 1)).input_reused);
  // A failed render (unknown chunk) keeps nothing wrong: the next one is still served.
  BOOST_CHECK_THROW(runner.run(render_job(ref, "gentle", 9)), job_error);
  BOOST_TEST(runner.run(render_job(ref, "warm", 1)).input_reused);
  BOOST_TEST(runner.span_reads() == 5u);
}

BOOST_AUTO_TEST_CASE(a_touched_file_is_source_changed_and_a_missing_one_unreadable) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  const auto before = file.ref();
  runner.run(render_job(before, "warm", 0)); // the source is now open in the runner
  fs::last_write_time(file.path, fs::last_write_time(file.path) + std::chrono::seconds(5));
  BOOST_TEST((job_error_code(runner, render_job(before, "warm", 0)) == engine_errc::source_changed));
  job_spec analyse;
  analyse.kind = job_kind::analyse;
  analyse.key = analysis_key(5);
  analyse.source = before;
  BOOST_TEST((job_error_code(runner, analyse) == engine_errc::source_changed));
  // With the new signature it renders again.
  BOOST_TEST(runner.run(render_job(file.ref(), "warm", 0)).output.data->size() == 48000u * 4u);

  auto gone = file.ref();
  fs::remove(file.path);
  try {
    runner.run(render_job(gone, "warm", 0));
    BOOST_FAIL("a missing file should fail");
  } catch (const codec::codec_error& e) {
    BOOST_TEST((e.code() == codec::codec_errc::io_error));
  }
  // Garbage where audio was expected.
  { std::ofstream(file.path) << "not audio at all"; }
  try {
    runner.run(render_job(file.ref(), "warm", 0));
    BOOST_FAIL("a file that is not audio should fail");
  } catch (const codec::codec_error& e) {
    BOOST_TEST((e.code() == codec::codec_errc::unsupported));
  }
}

BOOST_AUTO_TEST_CASE(unknown_presets_chunks_and_bad_values_are_typed_errors) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  BOOST_TEST((job_error_code(runner, render_job(file.ref(), "loud", 0)) ==
              engine_errc::unknown_preset));
  BOOST_TEST((job_error_code(runner, render_job(file.ref(), "warm", 3)) ==
              engine_errc::unknown_chunk));
  BOOST_TEST((job_error_code(runner, render_job(file.ref(), "warm", -1)) ==
              engine_errc::unknown_chunk));
  BOOST_TEST((job_error_code(runner, render_job(file.ref(), "warm", 0, 11)) ==
              engine_errc::invalid_argument));
  BOOST_TEST((job_error_code(runner, render_job(file.ref(), "warm", 0, 10, std::nan(""))) ==
              engine_errc::invalid_argument));
  auto no_file = render_job(file.ref(), "warm", 0);
  no_file.source.path.clear();
  BOOST_TEST((job_error_code(runner, no_file) == engine_errc::invalid_argument));
  // A runner without presets knows none.
  job_runner bare({});
  BOOST_TEST((job_error_code(bare, render_job(file.ref(), "warm", 0)) ==
              engine_errc::unknown_preset));
  BOOST_CHECK_THROW(job_runner({}, presets(), 0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(analyse_measures_every_preset_and_every_chunk) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  const auto out = runner.run(analyse_job(file.ref()));
  BOOST_TEST((out.kind == job_kind::analyse));
  const auto& a = out.analysis;
  BOOST_TEST(a.presets == presets().names(), boost::test_tools::per_element());
  BOOST_REQUIRE(a.pre_gain_lufs.size() == presets().size());
  for (double l : a.pre_gain_lufs)
    BOOST_TEST((std::isfinite(l) && l < 0 && l > -40));
  BOOST_TEST(std::isfinite(a.source_lufs));
  BOOST_REQUIRE(a.chunks.size() == 3u);
  for (const auto& c : a.chunks) {
    BOOST_TEST(c.energy > 0.0);
    BOOST_TEST(c.energy <= 1.0);
    BOOST_TEST(c.vocal_presence >= 0.0);
    BOOST_TEST(c.vocal_presence <= 1.0);
  }
  // The same figures as the analyser over the same reads.
  auto src = codec::audio_source::open(file.path);
  const auto expected = dsp::loudness_analyser::measure(
    [&](std::int64_t first, std::int64_t count) { return src->read(first, count); },
    src->info().frames, presets().all());
  BOOST_TEST(a.source_lufs == expected.source_lufs);
  BOOST_TEST(a.pre_gain_lufs == expected.pre_gain_lufs, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(analyse_parts_cover_their_chunks_and_join_into_the_whole) {
  track_file file; // 3 chunks
  job_runner runner({}, presets(), chunk_frames);
  const auto one = runner.run(analyse_job(file.ref()));
  // Part 0 of 2 is chunk 0, part 1 chunks 1 and 2 (analysis_part_chunks).
  std::vector<dsp::loudness_part> parts;
  std::vector<chunk_features> features;
  for (std::int32_t part = 0; part < 2; ++part) {
    const auto out = runner.run(analyse_job(file.ref(), part, 2));
    BOOST_TEST(out.analysis.chunks.size() == (part == 0 ? 1u : 2u));
    BOOST_TEST(out.loudness.first == (part == 0 ? 0 : chunk_frames));
    BOOST_TEST(out.loudness.end == (part == 0 ? chunk_frames : file.ref().frames));
    BOOST_TEST(out.loudness.sub_blocks.size() == presets().size() + 1);
    parts.push_back({out.loudness.first, out.loudness.end, out.loudness.sub_blocks});
    features.insert(features.end(), out.analysis.chunks.begin(), out.analysis.chunks.end());
  }
  const auto joined = dsp::loudness_analyser::combine(parts);
  BOOST_TEST(std::fabs(joined.source_lufs - one.analysis.source_lufs) < 1e-3);
  for (std::size_t p = 0; p < presets().size(); ++p)
    BOOST_TEST(std::fabs(joined.pre_gain_lufs[p] - one.analysis.pre_gain_lufs[p]) < 1e-3);
  BOOST_REQUIRE(features.size() == one.analysis.chunks.size());
  // The 44.1 kHz file's spans are resampled apart: equal to the resampler's rounding.
  for (std::size_t c = 0; c < features.size(); ++c)
    BOOST_TEST(std::fabs(features[c].energy - one.analysis.chunks[c].energy) <= 1e-6);
  // A part outside 0 .. parts - 1 is an invalid job.
  BOOST_TEST((job_error_code(runner, analyse_job(file.ref(), 2, 2)) ==
              engine_errc::invalid_argument));
  BOOST_TEST((job_error_code(runner, analyse_job(file.ref(), 0, 0)) ==
              engine_errc::invalid_argument));
}

BOOST_AUTO_TEST_CASE(encode_and_decode_still_work) {
  job_runner runner({});
  const auto pcm = music_pcm(4800);
  job_spec enc;
  enc.kind = job_kind::encode;
  enc.input.data = pcm;
  const auto blob = runner.run(enc);
  job_spec dec;
  dec.kind = job_kind::decode;
  dec.input = blob.output;
  BOOST_TEST(runner.run(dec).output.data->size() == pcm->size());
  enc.input.data.reset();
  BOOST_CHECK_THROW(runner.run(enc), codec::codec_error);
}

BOOST_AUTO_TEST_CASE(a_stream_job_makes_an_ogg_opus_file_of_the_pcm) {
  job_runner runner({});
  job_spec job;
  job.kind = job_kind::stream;
  job.input.data = music_pcm(48000);
  const auto out = runner.run(job);
  BOOST_TEST((out.kind == job_kind::stream));
  BOOST_REQUIRE(out.output.data);
  const std::string bytes(out.output.data->begin(), out.output.data->end());
  BOOST_TEST(bytes.substr(0, 4) == "OggS");
  BOOST_TEST(bytes.find("OpusHead") != std::string::npos);
  BOOST_TEST(bytes.find("OpusTags") != std::string::npos);
  // 1 s at 160 kbit/s is about 20 kB; far less than the 192 kB of PCM.
  BOOST_TEST(bytes.size() > 5000u);
  BOOST_TEST(bytes.size() < 60000u);
  // No PCM, or PCM that is not whole stereo frames, is a typed error.
  job.input.data.reset();
  BOOST_CHECK_THROW(runner.run(job), codec::codec_error);
  job.input.data = codec::byte_buffer::allocate(6);
  BOOST_CHECK_THROW(runner.run(job), codec::codec_error);
}

BOOST_AUTO_TEST_CASE(a_render_with_its_stream_gives_the_same_pcm_and_its_ogg_opus_file) {
  track_file file;
  job_runner runner({}, presets(), chunk_frames);
  for (std::int64_t chunk : {0, 2}) { // a full chunk and the short last one
    const std::int64_t frames = chunk < 2 ? chunk_frames : 24000;
    auto spec = render_job(file.ref(), "bright", chunk);
    const auto plain = runner.run(spec);
    BOOST_TEST(!plain.stream.data); // no stream unless asked for
    spec.with_stream = true;
    const auto both = runner.run(spec);
    BOOST_TEST((both.kind == job_kind::render));
    BOOST_REQUIRE(both.output.data);
    BOOST_REQUIRE(plain.output.data);
    BOOST_TEST(both.output.data->size() == static_cast<std::size_t>(frames * 4));
    BOOST_TEST(*both.output.data == *plain.output.data);
    BOOST_REQUIRE(both.stream.data);
    const auto& ogg = *both.stream.data;
    BOOST_REQUIRE(ogg.size() > 4u);
    BOOST_TEST(std::memcmp(ogg.data(), "OggS", 4) == 0);
    BOOST_TEST(decoded_frames(ogg) == frames);
    // The same bytes a stream job of the rendered PCM makes.
    job_spec stream;
    stream.kind = job_kind::stream;
    stream.input = plain.output;
    const auto encoded = runner.run(stream);
    BOOST_REQUIRE(encoded.output.data);
    BOOST_TEST(ogg == *encoded.output.data);
  }
  // Other kinds ignore the flag.
  job_spec enc;
  enc.kind = job_kind::encode;
  enc.input.data = music_pcm(4800);
  enc.with_stream = true;
  BOOST_TEST(!runner.run(enc).stream.data);
}

BOOST_AUTO_TEST_CASE(a_decode_of_one_segment_gives_that_segment_of_the_whole_decode) {
  job_runner runner({});
  const auto pcm = music_pcm(48000);
  job_spec enc;
  enc.kind = job_kind::encode;
  enc.input.data = pcm;
  const auto blob = runner.run(enc).output;
  const auto view = codec::opus_segmented_format::parse(*blob.data);
  BOOST_REQUIRE(view.segment_count() == 4u); // the default opus options
  job_spec dec;
  dec.kind = job_kind::decode;
  dec.input = blob;
  const auto whole = runner.run(dec).output;
  BOOST_REQUIRE(whole.data->size() == pcm->size());
  std::vector<std::uint8_t> joined(pcm->size(), 0xAA);
  for (std::int32_t k = 0; k < 4; ++k) {
    dec.segment = k;
    const auto part = runner.run(dec).output;
    const auto segment = view.segment_at(static_cast<std::uint32_t>(k));
    BOOST_TEST(part.data->size() == segment.frame_count * 4u);
    std::memcpy(joined.data() + segment.first_frame * 4u, part.data->data(), part.data->size());
  }
  BOOST_TEST((std::equal(joined.begin(), joined.end(), whole.data->begin(), whole.data->end())));
  // A run of segments is those segments' frames, in order.
  dec.segment = 1;
  dec.segment_count = 3;
  const auto run = runner.run(dec).output;
  const std::size_t from = view.segment_at(1).first_frame * 4u;
  BOOST_REQUIRE(run.data->size() == whole.data->size() - from);
  BOOST_TEST(std::equal(run.data->begin(), run.data->end(), whole.data->begin() + from));
  for (const auto& [segment, count] : {std::pair{4, 1u}, {2, 3u}, {0, 5u}}) {
    dec.segment = segment;
    dec.segment_count = count;
    try {
      runner.run(dec);
      BOOST_ERROR("segments " << segment << " + " << count << " of 4 should be rejected");
    } catch (const codec::codec_error& e) {
      BOOST_TEST((e.code() == codec::codec_errc::invalid_argument));
    }
  }
  for (const auto& [segment, count] : {std::pair{-2, 1u}, {0, 0u}}) {
    dec.segment = segment;
    dec.segment_count = count;
    try {
      runner.run(dec);
      BOOST_ERROR("segment " << segment << " count " << count << " should be rejected");
    } catch (const job_error& e) {
      BOOST_TEST((e.code() == engine_errc::invalid_argument));
    }
  }
}
