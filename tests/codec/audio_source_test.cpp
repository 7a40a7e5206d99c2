#define BOOST_TEST_MODULE audio_source
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <sndfile.h>

#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"

#include "codec_test_support.hpp"

using auralis::codec::audio_source;
using auralis::codec::codec_errc;
using auralis::codec::file_format;
using auralis::codec::file_signature;
using auralis::codec::signature_of;
using auralis::codec::write_audio_file;
using auralis::test::expect_codec_error;
using auralis::test::music_like;
using auralis::test::peak_diff_db;
using auralis::test::scratch_dir;

namespace {

/// Frames on the 48 kHz timeline for `source_frames` at `rate`: ceil(n * 48000 / rate).
std::int64_t timeline_frames(std::int64_t source_frames, int rate) {
  return (source_frames * 48000 + rate - 1) / rate;
}

/// Writes `interleaved` with libsndfile in `format` (SF_FORMAT_*); false when this
/// libsndfile build cannot write it.
bool write_with_sndfile(const std::string& path, const std::vector<float>& interleaved,
                        int channels, int rate, int format) {
  SF_INFO info{};
  info.channels = channels;
  info.samplerate = rate;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f)
    return false;
  const auto frames = static_cast<sf_count_t>(interleaved.size() / channels);
  const bool ok = sf_writef_float(f, interleaved.data(), frames) == frames;
  return sf_close(f) == 0 && ok;
}

/// The whole file read straight through by libsndfile as floats, and its header (for an
/// .mp3: decoded straight through by libmpg123, with the frames it yields).
struct plain_read {
  SF_INFO info{};
  std::vector<float> samples; // interleaved, info.channels per frame
};

plain_read read_through(const std::string& path) {
  plain_read r;
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".mp3") == 0) {
    // MPEG: libmpg123's straight decode, the reference mpg123_source is held to (never
    // the header's frame count libsndfile reports).
    const auralis::test::mpeg_decode d = auralis::test::decode_mpeg_straight(path);
    r.info.channels = d.channels;
    r.info.samplerate = static_cast<int>(d.rate);
    r.info.frames = d.frames();
    r.samples = d.samples;
    return r;
  }
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &r.info);
  BOOST_TEST_REQUIRE(f != nullptr);
  r.samples.assign(static_cast<std::size_t>(r.info.frames * r.info.channels), 0.f);
  const sf_count_t got = sf_readf_float(f, r.samples.data(), r.info.frames);
  sf_close(f);
  BOOST_TEST_REQUIRE(got == r.info.frames);
  return r;
}

/// Frames [first, first + count) of stereo `whole` (frame 0 first), zeros outside.
std::vector<float> span_of(const std::vector<float>& whole, std::int64_t first, std::int64_t count) {
  const auto frames = static_cast<std::int64_t>(whole.size() / 2);
  std::vector<float> out(static_cast<std::size_t>(count) * 2, 0.f);
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t n = first + i;
    if (n >= 0 && n < frames) {
      out[2 * i] = whole[2 * n];
      out[2 * i + 1] = whole[2 * n + 1];
    }
  }
  return out;
}

double rms(const std::vector<float>& v) {
  double sum = 0;
  for (const float x : v)
    sum += static_cast<double>(x) * x;
  return v.empty() ? 0 : std::sqrt(sum / static_cast<double>(v.size()));
}

bool all_zero(const std::vector<float>& v, std::size_t from = 0) {
  for (std::size_t i = from; i < v.size(); ++i)
    if (v[i] != 0.f)
      return false;
  return true;
}

/// One channel of a stereo buffer.
std::vector<float> channel(const std::vector<float>& stereo, int c) {
  std::vector<float> out(stereo.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = stereo[2 * i + static_cast<std::size_t>(c)];
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(wav_and_flac_at_44k1_have_exact_header_facts_and_timeline_length) {
  scratch_dir dir("audio_source");
  const std::int64_t n = 44100 * 7 + 123;
  const std::vector<float> x = music_like(n, 44100);
  const std::string wav = dir.file("a.wav"), flac = dir.file("a.flac");
  write_audio_file(wav, x, 2, 44100, file_format::wav_pcm16);
  write_audio_file(flac, x, 2, 44100, file_format::flac_pcm16);
  for (const auto& [path, format] : {std::pair{wav, "WAV"}, std::pair{flac, "FLAC"}}) {
    const auto src = audio_source::open(path);
    BOOST_TEST(src->path() == path);
    BOOST_TEST(src->info().format == format);
    BOOST_TEST(src->info().channels == 2);
    BOOST_TEST(src->info().source_rate == 44100);
    BOOST_TEST(src->info().source_frames == n);
    BOOST_TEST(src->info().frames == 336134); // ceil(308823 * 160 / 147)
    BOOST_TEST(src->info().frames == timeline_frames(n, 44100));
    BOOST_TEST(src->info().duration_s == 336134.0 / 48000.0);
    BOOST_TEST(src->chunk_count(48000) == 8);
    BOOST_TEST(src->chunk_count(336134) == 1);
    BOOST_TEST(src->chunk_count(0) == 0);
    // The whole track has audio up to its last frames and nothing after.
    const std::vector<float> whole = src->read(0, src->info().frames + 1000);
    BOOST_TEST(rms(span_of(whole, 0, 48000)) > 0.1);
    BOOST_TEST(rms(span_of(whole, src->info().frames - 2000, 1990)) > 0.1);
    BOOST_TEST(all_zero(span_of(whole, src->info().frames, 1000)));
  }
}

BOOST_AUTO_TEST_CASE(lossy_formats_give_the_frames_a_straight_decode_yields_on_the_timeline) {
  scratch_dir dir("audio_source");
  struct lossy {
    std::string name;
    int rate;
    int sf_format;
    std::string format;
  };
  const std::vector<lossy> cases{
    {"v.ogg", 44100, SF_FORMAT_OGG | SF_FORMAT_VORBIS, "OGG/VORBIS"},
    {"o.opus", 48000, SF_FORMAT_OGG | SF_FORMAT_OPUS, "OGG/OPUS"},
    {"m.mp3", 44100, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, "MP3"},
  };
  for (const lossy& c : cases) {
    const std::string path = dir.file(c.name);
    const std::int64_t n = static_cast<std::int64_t>(c.rate) * 6 + 321;
    if (!write_with_sndfile(path, music_like(n, c.rate), 2, c.rate, c.sf_format)) {
      BOOST_TEST_MESSAGE("skipped " << c.format << ": this libsndfile cannot write it ("
                                    << sf_strerror(nullptr) << ")");
      continue;
    }
    const plain_read plain = read_through(path);
    const auto src = audio_source::open(path);
    BOOST_TEST_CONTEXT(c.format) {
      BOOST_TEST(src->info().format == c.format);
      BOOST_TEST(src->info().source_rate == plain.info.samplerate);
      BOOST_TEST(src->info().source_frames == plain.info.frames);
      BOOST_TEST(src->info().frames == timeline_frames(plain.info.frames, plain.info.samplerate));
      const std::vector<float> whole = src->read(0, src->info().frames + 500);
      BOOST_TEST(rms(span_of(whole, 4800, 48000)) > 0.1);
      BOOST_TEST(all_zero(span_of(whole, src->info().frames, 500)));
    }
  }
}

BOOST_AUTO_TEST_CASE(lossy_reads_in_any_order_equal_a_straight_read_through) {
  // At 48 kHz nothing is resampled, so every read must be bit-identical to the decoder
  // (libsndfile, libmpg123 for MP3) decoding the file from its start; the read order mixes the seeks libsndfile 1.2.0
  // gets wrong in Vorbis (short forward jumps, the last page) with ordinary ones.
  scratch_dir dir("audio_source");
  const std::int64_t n = 48000 * 21 + 77;
  const std::vector<float> x = music_like(n, 48000, 9);
  struct lossy {
    std::string name;
    int sf_format;
  };
  for (const lossy& c : {lossy{"v.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
                         lossy{"o.opus", SF_FORMAT_OGG | SF_FORMAT_OPUS},
                         lossy{"m.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III}}) {
    const std::string path = dir.file(c.name);
    if (!write_with_sndfile(path, x, 2, 48000, c.sf_format)) {
      BOOST_TEST_MESSAGE("skipped " << c.name << ": this libsndfile cannot write it");
      continue;
    }
    const plain_read plain = read_through(path);
    BOOST_TEST_REQUIRE(plain.info.channels == 2);
    const auto src = audio_source::open(path);
    const std::int64_t frames = src->info().frames;
    BOOST_TEST_REQUIRE(frames == plain.info.frames);
    struct span {
      std::int64_t first, count;
    };
    const std::vector<span> order{
      {0, 192000},           {192000 - 48000, 240000}, {432000 - 48000, 240000}, // chunks
      {500000, 1000},        {520000, 3000},           {560000, 2000}, // 0.4 s, 0.8 s ahead
      {700000, 5000},        {1000000, 4000},          {100000, 10000}, // 2.9 s, 6.2 s ahead, back
      {frames - 3000, 5000}, {frames - 40000, 1000},   {frames - 39000, 500}, // last page
      {-1000, 3000},         {660000, 48000},          {661000, 100}, // start, then short steps
    };
    for (const span& s : order) {
      BOOST_TEST_CONTEXT(c.name << " [" << s.first << ", +" << s.count << ")") {
        const std::vector<float> got = src->read(s.first, s.count);
        BOOST_TEST((got == span_of(plain.samples, s.first, s.count)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(ogg_vorbis_serves_exactly_the_frames_written_in_place) {
  // The length libsndfile takes from the last granule position is the PCM length, and
  // the audio sits at its place: no encoder delay left in, nothing cut or added at the end.
  scratch_dir dir("audio_source");
  for (const int rate : {48000, 44100}) {
    const std::int64_t n = static_cast<std::int64_t>(rate) * 6 + 321;
    const std::vector<float> x = music_like(n, rate, 17);
    const std::string path = dir.file("v" + std::to_string(rate) + ".ogg");
    BOOST_TEST_REQUIRE(write_with_sndfile(path, x, 2, rate, SF_FORMAT_OGG | SF_FORMAT_VORBIS));
    const plain_read plain = read_through(path);
    const auto src = audio_source::open(path);
    BOOST_TEST_CONTEXT(rate << " Hz") {
      BOOST_TEST(src->info().source_frames == n);
      BOOST_TEST(plain.info.frames == n);
      BOOST_TEST(src->info().frames == timeline_frames(n, rate));
      // Decoding on past the end yields nothing more.
      SF_INFO info{};
      SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
      BOOST_TEST_REQUIRE(f != nullptr);
      BOOST_TEST_REQUIRE(sf_seek(f, n - 1000, SEEK_SET) == n - 1000);
      std::vector<float> rest(2 * 5000);
      BOOST_TEST(sf_readf_float(f, rest.data(), 5000) == 1000);
      sf_close(f);
      // The last 4000 frames line up with the input at lag 0.
      auto error_at = [&](std::int64_t lag) {
        std::vector<float> d;
        for (std::int64_t i = n - 4000; i < n; ++i)
          for (int c = 0; c < 2; ++c)
            d.push_back(plain.samples[2 * i + c] - x[2 * (i + lag) + c]);
        return rms(d);
      };
      const double at0 = error_at(0);
      BOOST_TEST(at0 < 0.1 * rms(span_of(x, n - 4000, 4000)));
      for (const std::int64_t lag : {-2, -1})
        BOOST_TEST(at0 < error_at(lag));
      const std::vector<float> tail = src->read(src->info().frames - 2000, 3000);
      BOOST_TEST(rms(span_of(tail, 0, 1900)) > 0.05);
      BOOST_TEST(all_zero(tail, 2 * 2000));
    }
  }
}

BOOST_AUTO_TEST_CASE(mono_is_duplicated_to_both_channels) {
  scratch_dir dir("audio_source");
  const std::int64_t n = 44100 * 3;
  const std::vector<float> stereo = music_like(n, 44100, 2);
  std::vector<float> mono(static_cast<std::size_t>(n)), dup(stereo.size());
  for (std::int64_t i = 0; i < n; ++i)
    mono[i] = dup[2 * i] = dup[2 * i + 1] = stereo[2 * i];
  write_audio_file(dir.file("mono.wav"), mono, 1, 44100, file_format::wav_float);
  write_audio_file(dir.file("dup.wav"), dup, 2, 44100, file_format::wav_float);
  const auto m = audio_source::open(dir.file("mono.wav"));
  const auto d = audio_source::open(dir.file("dup.wav"));
  BOOST_TEST(m->info().channels == 1);
  BOOST_TEST(m->info().frames == d->info().frames);
  const std::vector<float> a = m->read(-100, m->info().frames + 200);
  const std::vector<float> b = d->read(-100, d->info().frames + 200);
  BOOST_TEST((a == b)); // the resampler sees the same stereo input
  BOOST_TEST((channel(a, 0) == channel(a, 1)));
  BOOST_TEST(rms(a) > 0.1);
}

BOOST_AUTO_TEST_CASE(four_channels_fold_to_the_means_of_even_and_odd_channels) {
  scratch_dir dir("audio_source");
  for (const int rate : {48000, 44100}) {
    const std::int64_t n = rate * 2;
    const std::vector<float> front = music_like(n, rate, 3), rear = music_like(n, rate, 4);
    std::vector<float> quad(static_cast<std::size_t>(n) * 4), folded(static_cast<std::size_t>(n) * 2);
    for (std::int64_t i = 0; i < n; ++i) {
      quad[4 * i] = front[2 * i];
      quad[4 * i + 1] = front[2 * i + 1];
      quad[4 * i + 2] = rear[2 * i];
      quad[4 * i + 3] = rear[2 * i + 1];
      folded[2 * i] = 0.5f * front[2 * i] + 0.5f * rear[2 * i];
      folded[2 * i + 1] = 0.5f * front[2 * i + 1] + 0.5f * rear[2 * i + 1];
    }
    write_audio_file(dir.file("quad.wav"), quad, 4, rate, file_format::wav_float);
    write_audio_file(dir.file("folded.wav"), folded, 2, rate, file_format::wav_float);
    const auto q = audio_source::open(dir.file("quad.wav"));
    const auto f = audio_source::open(dir.file("folded.wav"));
    BOOST_TEST(q->info().channels == 4);
    const std::vector<float> a = q->read(1000, 50000), b = f->read(1000, 50000);
    BOOST_TEST_CONTEXT(rate << " Hz") {
      BOOST_TEST(peak_diff_db(a, b) < -130.0);
      BOOST_TEST(rms(a) > 0.05);
    }
    if (rate == 48000) // no resampling: the exact fold
      for (std::int64_t i = 0; i < 50000; ++i)
        BOOST_TEST_REQUIRE(a[2 * i] == folded[2 * (1000 + i)],
                           boost::test_tools::tolerance(1e-7f));
  }
}

BOOST_AUTO_TEST_CASE(five_one_wav_folds_itu_style_and_drops_the_lfe) {
  scratch_dir dir("audio_source");
  const std::int64_t n = 4800;
  std::vector<float> six(static_cast<std::size_t>(n) * 6);
  for (std::int64_t i = 0; i < n; ++i) {
    // L R C LFE Ls Rs: distinct constant levels per channel.
    const float v[6] = {0.4f, -0.2f, 0.3f, 0.9f, 0.1f, -0.5f};
    for (int c = 0; c < 6; ++c)
      six[6 * i + c] = v[c];
  }
  write_audio_file(dir.file("51.wav"), six, 6, 48000, file_format::wav_float);
  const auto src = audio_source::open(dir.file("51.wav"));
  const std::vector<float> out = src->read(100, 10);
  const double k = std::sqrt(0.5), s = 1.0 / (1.0 + 2.0 * k);
  const double left = s * (0.4 + k * 0.3 + k * 0.1);
  const double right = s * (-0.2 + k * 0.3 + k * -0.5);
  BOOST_TEST(out[0] == left, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(out[1] == right, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(chunks_of_a_44k1_file_read_alone_equal_a_whole_file_read) {
  scratch_dir dir("audio_source");
  const std::int64_t n = 44100 * 50 + 999; // 50 s: three 15 s chunks and a short one
  write_audio_file(dir.file("t.flac"), music_like(n, 44100, 11), 2, 44100, file_format::flac_pcm16);
  const std::string path = dir.file("t.flac");
  const std::int64_t chunk = 720000, preroll = 144000;
  const auto whole_src = audio_source::open(path);
  const std::int64_t frames = whole_src->info().frames;
  BOOST_TEST(frames == timeline_frames(n, 44100));
  BOOST_TEST_REQUIRE(whole_src->chunk_count(chunk) == 4);
  const std::vector<float> whole = whole_src->read(0, frames);

  const auto shared = audio_source::open(path);
  for (const std::int64_t k : {3, 0, 2, 1, 3}) {
    const std::int64_t first = k * chunk - preroll;
    const std::int64_t count = std::min(chunk, frames - k * chunk) + preroll;
    const auto fresh = audio_source::open(path);
    const std::vector<float> alone = fresh->read(first, count);
    const std::vector<float> again = shared->read(first, count);
    const std::vector<float> expected = span_of(whole, first, count);
    const double db = peak_diff_db(alone, expected);
    BOOST_TEST_MESSAGE("chunk " << k << ": " << db << " dBFS against the whole-file read");
    BOOST_TEST_CONTEXT("chunk " << k) {
      BOOST_TEST(db < -90.0);
      BOOST_TEST(peak_diff_db(again, expected) < -90.0);
      BOOST_TEST(rms(alone) > 0.1);
    }
  }
  // Chunk 0's pre-roll is before the track: exact zeros.
  const std::vector<float> first_chunk = shared->read(-preroll, chunk + preroll);
  BOOST_TEST(all_zero(std::vector<float>(first_chunk.begin(), first_chunk.begin() + 2 * preroll)));
  // The short last chunk read past its end: zeros from the end of the track.
  const std::vector<float> last = shared->read(3 * chunk, chunk);
  BOOST_TEST(rms(span_of(last, 0, frames - 3 * chunk)) > 0.1);
  BOOST_TEST(all_zero(last, static_cast<std::size_t>(2 * (frames - 3 * chunk))));
}

BOOST_AUTO_TEST_CASE(an_odd_rate_is_resampled_consistently_too) {
  scratch_dir dir("audio_source");
  const int rate = 44101; // no small common step with 48 kHz
  const std::int64_t n = static_cast<std::int64_t>(rate) * 24;
  write_audio_file(dir.file("odd.wav"), music_like(n, rate, 12), 2, rate, file_format::wav_float);
  const auto src = audio_source::open(dir.file("odd.wav"));
  const std::int64_t frames = src->info().frames;
  BOOST_TEST(frames == timeline_frames(n, rate));
  const std::vector<float> whole = src->read(0, frames);
  for (const std::int64_t first : {std::int64_t{-48000}, std::int64_t{480000 - 144000},
                                   std::int64_t{700000}, frames - 200000}) {
    const auto fresh = audio_source::open(dir.file("odd.wav"));
    const std::vector<float> alone = fresh->read(first, 300000);
    BOOST_TEST(peak_diff_db(alone, span_of(whole, first, 300000)) < -90.0);
  }
}

BOOST_AUTO_TEST_CASE(a_48_khz_file_is_read_bit_exact) {
  scratch_dir dir("audio_source");
  const std::int64_t n = 48000 * 4 + 5;
  const std::vector<float> x = music_like(n, 48000, 13);
  write_audio_file(dir.file("f.wav"), x, 2, 48000, file_format::wav_float);
  write_audio_file(dir.file("p.flac"), x, 2, 48000, file_format::flac_pcm16);
  const auto f = audio_source::open(dir.file("f.wav"));
  BOOST_TEST(f->info().frames == n);
  BOOST_TEST((f->read(0, n) == x));
  BOOST_TEST((f->read(12345, 6789) == span_of(x, 12345, 6789)));
  BOOST_TEST((f->read(7, 100) == span_of(x, 7, 100)));

  const plain_read plain = read_through(dir.file("p.flac"));
  const auto p = audio_source::open(dir.file("p.flac"));
  BOOST_TEST((p->read(100000, 50000) == span_of(plain.samples, 100000, 50000)));
  BOOST_TEST((p->read(3, 100) == span_of(plain.samples, 3, 100)));
  BOOST_TEST((p->read(0, n) == plain.samples));
}

BOOST_AUTO_TEST_CASE(frames_outside_the_track_are_zeros) {
  scratch_dir dir("audio_source");
  for (const int rate : {48000, 44100}) {
    const std::string path = dir.file("z" + std::to_string(rate) + ".wav");
    write_audio_file(path, music_like(rate, rate, 14), 2, rate, file_format::wav_pcm16);
    const auto src = audio_source::open(path);
    const std::int64_t frames = src->info().frames;
    BOOST_TEST_CONTEXT(rate << " Hz") {
      const std::vector<float> tail = src->read(frames - 100, 1000);
      BOOST_TEST(tail.size() == 2000u);
      BOOST_TEST(rms(span_of(tail, 0, 100)) > 0.05);
      BOOST_TEST(all_zero(tail, 200));
      const std::vector<float> past = src->read(frames + 5, 10);
      BOOST_TEST(past.size() == 20u);
      BOOST_TEST(all_zero(past));
      const std::vector<float> head = src->read(-50, 100);
      BOOST_TEST(all_zero(span_of(head, 0, 50)));
      BOOST_TEST(rms(span_of(head, 50, 50)) > 0.0);
      BOOST_TEST(src->read(1000, 0).empty());
      BOOST_TEST(all_zero(src->read(-1000000, 1000)));
      expect_codec_error([&] { src->read(0, -1); }, codec_errc::invalid_argument);
    }
  }
}

BOOST_AUTO_TEST_CASE(unreadable_paths_and_non_audio_files_fail_with_the_right_kind) {
  scratch_dir dir("audio_source");
  const std::string missing = dir.file("missing.flac");
  std::string msg = expect_codec_error([&] { audio_source::open(missing); }, codec_errc::io_error);
  BOOST_TEST(msg.find(missing) != std::string::npos);
  msg = expect_codec_error([&] { signature_of(missing); }, codec_errc::io_error);
  BOOST_TEST(msg.find(missing) != std::string::npos);

  msg = expect_codec_error([&] { audio_source::open(dir.path().string()); }, codec_errc::io_error);
  BOOST_TEST(msg.find(dir.path().string()) != std::string::npos);

  const std::string text = dir.file("notes.wav");
  std::ofstream(text) << "These are liner notes, not audio. They go on for a while so the file "
                         "is not trivially short.\n";
  msg = expect_codec_error([&] { audio_source::open(text); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(text) != std::string::npos);

  const std::string empty = dir.file("empty.flac");
  std::ofstream(empty).flush();
  msg = expect_codec_error([&] { audio_source::open(empty); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(empty) != std::string::npos);

  // A valid WAV header with no frames holds no audio.
  const std::string silent = dir.file("zero.wav");
  write_audio_file(silent, {}, 2, 48000, file_format::wav_pcm16);
  msg = expect_codec_error([&] { audio_source::open(silent); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(silent) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_signature_follows_size_and_modification_time) {
  scratch_dir dir("audio_source");
  const std::string path = dir.file("s.wav");
  write_audio_file(path, music_like(48000, 48000), 2, 48000, file_format::wav_pcm16);
  const file_signature a = signature_of(path);
  BOOST_TEST(a.size == std::filesystem::file_size(path));
  BOOST_TEST(a.size == 44u + 48000u * 4u);
  BOOST_TEST(a.mtime_ns > 0);
  BOOST_TEST((signature_of(path) == a));

  write_audio_file(path, music_like(96000, 48000), 2, 48000, file_format::wav_pcm16);
  const file_signature b = signature_of(path);
  BOOST_TEST((b != a));
  BOOST_TEST(b.size == 44u + 96000u * 4u);

  // Same size, new modification time.
  const auto t = std::filesystem::last_write_time(path);
  std::filesystem::last_write_time(path, t + std::chrono::seconds(3));
  const file_signature c = signature_of(path);
  BOOST_TEST(c.size == b.size);
  BOOST_TEST((c != b));
  BOOST_TEST(c.mtime_ns - b.mtime_ns == 3000000000LL);
}
