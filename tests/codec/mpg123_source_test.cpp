#define BOOST_TEST_MODULE mpg123_source
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <mpg123.h>
#include <sndfile.h>

#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"
#include "codec/mpg123_source.hpp"

#include "codec_test_support.hpp"

using auralis::codec::audio_source;
using auralis::codec::codec_errc;
using auralis::codec::file_format;
using auralis::codec::mpg123_source;
using auralis::codec::write_audio_file;
using auralis::test::decode_mpeg_straight;
using auralis::test::expect_codec_error;
using auralis::test::have_lame;
using auralis::test::mpeg_decode;
using auralis::test::music_like;
using auralis::test::peak_diff_db;
using auralis::test::run_lame;
using auralis::test::scratch_dir;
using auralis::test::stderr_capture;

namespace {

/// Frames on the 48 kHz timeline for `source_frames` at `rate`: ceil(n * 48000 / rate).
std::int64_t timeline_frames(std::int64_t source_frames, int rate) {
  return (source_frames * 48000 + rate - 1) / rate;
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

bool all_zero(const std::vector<float>& v) {
  for (const float x : v)
    if (x != 0.f)
      return false;
  return true;
}

/// `stereo` reduced to `channels` channels (mono: the left side).
std::vector<float> with_channels(const std::vector<float>& stereo, int channels) {
  if (channels == 2)
    return stereo;
  std::vector<float> out(stereo.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = stereo[2 * i];
  return out;
}

/// Writes `interleaved` as an MP3 with libsndfile's LAME-based writer.
void write_sndfile_mp3(const std::string& path, const std::vector<float>& interleaved,
                       int channels, int rate) {
  SF_INFO info{};
  info.channels = channels;
  info.samplerate = rate;
  info.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  BOOST_TEST_REQUIRE(f != nullptr, "libsndfile cannot write MP3: " << sf_strerror(nullptr));
  const auto frames = static_cast<sf_count_t>(interleaved.size() / channels);
  BOOST_TEST_REQUIRE(sf_writef_float(f, interleaved.data(), frames) == frames);
  BOOST_TEST_REQUIRE(sf_close(f) == 0);
}

/// An MP3 made for a test: how it was made and the PCM it was made from.
struct mp3_case {
  std::string path;
  std::string maker;    ///< "sndfile", "lame" (LAME/Xing tag), "lame id3v2" or "lame -t" (no tag)
  int rate = 0;
  int channels = 0;
  std::int64_t pcm_frames = 0;
  bool tagged = true;   ///< carries gapless information
};

/// The served 48 kHz frames of `src` are the straight decode resampled: at 48 kHz bit
/// for bit, and at every rate zeros from info().frames on.
void check_served(audio_source& src, const mpeg_decode& ref) {
  const std::int64_t frames = src.info().frames;
  const std::vector<float> whole = src.read(0, frames + 1000);
  BOOST_TEST(all_zero(span_of(whole, frames, 1000)));
  BOOST_TEST(rms(span_of(whole, frames - 4000, 3000)) > 0.01);
  if (ref.rate == 48000)
    BOOST_TEST((whole == span_of(ref.stereo(), 0, frames + 1000)));
}

} // namespace

BOOST_AUTO_TEST_CASE(mp3_lengths_are_what_the_decoder_yields_without_delay_and_padding) {
  scratch_dir dir("mpg123_source");
  std::vector<mp3_case> cases;
  for (const int rate : {22050, 44100, 48000}) {
    for (const int channels : {1, 2}) {
      const std::int64_t n = static_cast<std::int64_t>(rate) * 3 + 321;
      const std::vector<float> x = with_channels(music_like(n, rate, 5), channels);
      const std::string stem = dir.file(std::to_string(rate) + "_" + std::to_string(channels));
      write_sndfile_mp3(stem + "_s.mp3", x, channels, rate);
      cases.push_back({stem + "_s.mp3", "sndfile", rate, channels, n, true});
      if (!have_lame()) {
        BOOST_TEST_MESSAGE("lame is not installed: only libsndfile-written MP3s are checked");
        continue;
      }
      write_audio_file(stem + ".wav", x, channels, rate, file_format::wav_pcm16);
      const std::string mode = std::string(channels == 1 ? "-m m" : "-m j") +
                               " --resample " + std::to_string(rate / 1000.0);
      run_lame(mode + " -b 96", stem + ".wav", stem + "_l.mp3");
      run_lame(mode + " -b 96 -t", stem + ".wav", stem + "_t.mp3");
      cases.push_back({stem + "_l.mp3", "lame", rate, channels, n, true});
      cases.push_back({stem + "_t.mp3", "lame -t", rate, channels, n, false});
      if (rate == 44100 && channels == 2) { // an ID3v2 tag ahead of the first frame
        run_lame(mode + " -b 96 --id3v2-only --tt Title --ta Artist", stem + ".wav",
                 stem + "_id3.mp3");
        char head[3] = {};
        std::ifstream(stem + "_id3.mp3", std::ios::binary).read(head, 3);
        BOOST_TEST_REQUIRE(std::string(head, 3) == "ID3");
        cases.push_back({stem + "_id3.mp3", "lame id3v2", rate, channels, n, true});
      }
    }
  }
  for (const mp3_case& c : cases) {
    BOOST_TEST_CONTEXT(c.maker << " " << c.rate << " Hz, " << c.channels << " ch") {
      const mpeg_decode ref = decode_mpeg_straight(c.path);
      const auto src = audio_source::open(c.path);
      const auto& info = src->info();
      BOOST_TEST(info.format == "MP3");
      BOOST_TEST(info.channels == c.channels);
      BOOST_TEST(info.source_rate == c.rate);
      BOOST_TEST(ref.rate == c.rate);
      BOOST_TEST(info.source_frames == ref.frames());
      if (c.tagged) {
        BOOST_TEST(info.source_frames == c.pcm_frames);
      } else {
        // Every decoded sample of every frame is kept: the encoder delay comes first.
        const std::int64_t per_frame = c.rate < 32000 ? 576 : 1152;
        BOOST_TEST(info.source_frames % per_frame == 0);
        BOOST_TEST(info.source_frames > c.pcm_frames);
      }
      BOOST_TEST(info.frames == timeline_frames(info.source_frames, c.rate));
      BOOST_TEST(info.duration_s == static_cast<double>(info.frames) / 48000.0);
      BOOST_TEST_MESSAGE(c.maker << " " << c.rate << " Hz " << c.channels << " ch: served "
                                 << info.source_frames << ", decoded " << ref.frames()
                                 << ", PCM " << c.pcm_frames);
      check_served(*src, ref);
    }
  }
}

BOOST_AUTO_TEST_CASE(mp3_reads_in_any_order_equal_a_straight_decode) {
  // At 48 kHz nothing is resampled: every read, with or without a seek before it, must
  // be bit-identical to libmpg123 decoding the file from its start. 64 kb/s leans on the
  // bit reservoir, which the first frames after a seek lack.
  scratch_dir dir("mpg123_source");
  const std::int64_t n = 48000 * 21 + 77;
  for (const int channels : {2, 1}) {
    const std::vector<float> x = with_channels(music_like(n, 48000, 9), channels);
    const std::string path = dir.file("s" + std::to_string(channels) + ".mp3");
    if (have_lame()) {
      write_audio_file(dir.file("s.wav"), x, channels, 48000, file_format::wav_pcm16);
      run_lame(channels == 1 ? "--resample 48 -m m -b 64" : "--resample 48 -m j -b 64",
               dir.file("s.wav"), path);
    } else {
      write_sndfile_mp3(path, x, channels, 48000);
    }
    const std::vector<float> plain = decode_mpeg_straight(path).stereo();
    mpg123_source src(path);
    const std::int64_t frames = src.info().frames;
    BOOST_TEST_REQUIRE(frames == static_cast<std::int64_t>(plain.size() / 2));
    BOOST_TEST_REQUIRE(frames == n);
    struct span {
      std::int64_t first, count;
    };
    const std::vector<span> order{
      {0, 192000},           {192000 - 48000, 240000}, {432000 - 48000, 240000},
      {500000, 1000},        {520000, 3000},           {560000, 2000},
      {700000, 5000},        {1000000, 4000},          {100000, 10000},
      {frames - 3000, 5000}, {frames - 40000, 1000},   {frames - 39000, 500},
      {-1000, 3000},         {660000, 48000},          {661000, 100},
      {50000, 1000},         {frames - 1, 1},          {96001, 20000},
    };
    for (const span& s : order) {
      BOOST_TEST_CONTEXT(channels << " ch [" << s.first << ", +" << s.count << ")") {
        mpg123_source fresh(path);
        BOOST_TEST((src.read(s.first, s.count) == span_of(plain, s.first, s.count)));
        BOOST_TEST((fresh.read(s.first, s.count) == span_of(plain, s.first, s.count)));
      }
    }
    // The raw-pointer read writes every value.
    std::vector<float> buf(2 * 3000, 7.f);
    src.read(frames - 1000, 3000, buf.data());
    BOOST_TEST((buf == span_of(plain, frames - 1000, 3000)));
  }
}

BOOST_AUTO_TEST_CASE(resampled_mp3_chunks_read_alone_equal_a_whole_file_read) {
  // 22.05 kHz is MPEG-2 (576 samples a frame). A chunk read by a fresh source and by one
  // that has read elsewhere before runs the resampler on the same span, so the two are
  // equal bit for bit exactly when the decoded frames are.
  scratch_dir dir("mpg123_source");
  const int rate = 22050;
  const std::int64_t n = rate * 40 + 999;
  for (const int channels : {2, 1}) {
    const std::string path = dir.file("c" + std::to_string(channels) + ".mp3");
    write_sndfile_mp3(path, with_channels(music_like(n, rate, 11), channels), channels, rate);
    const std::int64_t chunk = 720000, preroll = 144000;
    mpg123_source whole_src(path);
    const std::int64_t frames = whole_src.info().frames;
    BOOST_TEST(frames == timeline_frames(n, rate));
    BOOST_TEST_REQUIRE(whole_src.chunk_count(chunk) == 3);
    const std::vector<float> whole = whole_src.read(0, frames);
    for (const std::int64_t k : {2, 0, 1, 2}) {
      const std::int64_t first = k * chunk - preroll;
      const std::int64_t count = std::min(chunk, frames - k * chunk) + preroll;
      mpg123_source fresh(path);
      const std::vector<float> alone = fresh.read(first, count);
      const std::vector<float> again = whole_src.read(first, count);
      const double db = peak_diff_db(alone, span_of(whole, first, count));
      BOOST_TEST_MESSAGE(channels << " ch, chunk " << k << ": " << db
                                  << " dBFS against the whole-file read");
      BOOST_TEST_CONTEXT(channels << " ch, chunk " << k) {
        BOOST_TEST(db < -110.0);
        BOOST_TEST((again == alone));
        BOOST_TEST(rms(alone) > 0.1);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(consecutive_gapless_tracks_join_without_gap_or_extra_audio) {
  // One signal cut in two, each half its own MP3: the halves served back to back are the
  // signal, at its original place (no delay left in, no padding added).
  if (!have_lame()) {
    BOOST_TEST_MESSAGE("skipped: lame is not installed");
    return;
  }
  scratch_dir dir("mpg123_source");
  const std::int64_t half = 48000 * 4 + 1234;
  const std::vector<float> x = music_like(2 * half, 48000, 21);
  const std::vector<float> a(x.begin(), x.begin() + 2 * half), b(x.begin() + 2 * half, x.end());
  write_audio_file(dir.file("a.wav"), a, 2, 48000, file_format::wav_pcm16);
  write_audio_file(dir.file("b.wav"), b, 2, 48000, file_format::wav_pcm16);
  run_lame("-b 192", dir.file("a.wav"), dir.file("a.mp3"));
  run_lame("-b 192", dir.file("b.wav"), dir.file("b.mp3"));
  const auto sa = audio_source::open(dir.file("a.mp3"));
  const auto sb = audio_source::open(dir.file("b.mp3"));
  BOOST_TEST(sa->info().frames == half);
  BOOST_TEST(sb->info().frames == half);
  std::vector<float> joined = sa->read(0, half);
  const std::vector<float> tail = sb->read(0, half);
  joined.insert(joined.end(), tail.begin(), tail.end());
  BOOST_TEST_REQUIRE(joined.size() == x.size());
  // Around the join the decoded audio lines up with the original at lag 0.
  auto error_at = [&](std::int64_t lag) {
    std::vector<float> d;
    for (std::int64_t i = half - 4000; i < half + 4000; ++i)
      for (int c = 0; c < 2; ++c)
        d.push_back(joined[2 * i + c] - x[2 * (i + lag) + c]);
    return rms(d);
  };
  const double at0 = error_at(0);
  BOOST_TEST_MESSAGE("error rms around the join: " << at0);
  BOOST_TEST(at0 < 0.1 * rms(span_of(x, half - 4000, 8000)));
  for (const std::int64_t lag : {-2, -1, 1, 2})
    BOOST_TEST(at0 < error_at(lag));
}

BOOST_AUTO_TEST_CASE(the_decoder_writes_nothing_to_stderr) {
  // A slow sine sweep at low VBR quality leans hard on the bit reservoir, so frames
  // decoded right after a seek lack the data their side info points back to.
  scratch_dir dir("mpg123_source");
  const int rate = 22050;
  const std::int64_t n = rate * 20;
  std::vector<float> sweep(static_cast<std::size_t>(n) * 2);
  double phase = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double f = 220.0 + 1780.0 * static_cast<double>(i) / static_cast<double>(n);
    phase += 6.283185307179586 * f / rate;
    sweep[2 * i] = sweep[2 * i + 1] = static_cast<float>(0.5 * std::sin(phase));
  }
  const std::string path = dir.file("q.mp3");
  if (have_lame()) {
    write_audio_file(dir.file("q.wav"), sweep, 2, rate, file_format::wav_pcm16);
    run_lame("--resample 22.05 -V 9", dir.file("q.wav"), path);
  } else {
    write_sndfile_mp3(path, sweep, 2, rate);
  }
  std::vector<std::int64_t> seeks; // backwards, 0.1 s apart: every read seeks
  for (std::int64_t at = n - 10000; at > 0; at -= 4999)
    seeks.push_back(at);
  std::string said;
  {
    stderr_capture capture(dir.file("stderr.txt"));
    const auto src = audio_source::open(path);
    const std::int64_t frames = src->info().frames;
    for (const std::int64_t at : seeks)
      src->read(at * frames / n, 2000);
    src->read(frames - 1000, 3000);
    said = capture.text();
  }
  BOOST_TEST(said.empty(), "stderr got: " << said);

  // For comparison: libmpg123 left verbose prints its complaints on the same seeks (only
  // logged: another libmpg123 build may stay silent).
  std::string loud;
  {
    stderr_capture capture(dir.file("loud.txt"));
    int err = 0;
    mpg123_handle* h = mpg123_new(nullptr, &err);
    if (h && mpg123_open(h, path.c_str()) == MPG123_OK && mpg123_scan(h) == MPG123_OK) {
      std::vector<unsigned char> buf(8000);
      for (const std::int64_t at : seeks) {
        std::size_t done = 0;
        mpg123_seek(h, static_cast<off_t>(at), SEEK_SET);
        mpg123_read(h, buf.data(), buf.size(), &done);
      }
      mpg123_close(h);
    }
    mpg123_delete(h);
    loud = capture.text();
  }
  BOOST_TEST_MESSAGE("a verbose libmpg123 wrote " << loud.size() << " bytes to stderr");
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupt_mp3s_read_what_decodes_or_fail_naming_the_file) {
  scratch_dir dir("mpg123_source");
  const int rate = 44100;
  const std::int64_t n = rate * 6;
  const std::string good = dir.file("good.mp3");
  write_sndfile_mp3(good, music_like(n, rate, 4), 2, rate);
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST_REQUIRE(bytes.size() > 20000u);

  // Cut off mid-file: the header's gapless length no longer holds; what decodes is served.
  const std::string cut = dir.file("cut.mp3");
  std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() * 3 / 5 + 17);
  const mpeg_decode ref = decode_mpeg_straight(cut);
  const auto src = audio_source::open(cut);
  BOOST_TEST(src->info().source_frames == ref.frames());
  BOOST_TEST(src->info().source_frames < n);
  BOOST_TEST(src->info().source_frames > n / 2);
  const std::vector<float> tail = src->read(src->info().frames - 5000, 10000);
  BOOST_TEST(rms(span_of(tail, 0, 4000)) > 0.01);
  BOOST_TEST(all_zero(span_of(tail, 5000, 5000)));

  // Valid frames, then noise: the noise is skipped or read as what it decodes to; no
  // crash, no stderr.
  const std::string noisy = dir.file("noisy.mp3");
  {
    std::mt19937 rng(7);
    std::string junk(bytes.size() / 2, '\0');
    for (char& ch : junk)
      ch = static_cast<char>(rng() & 0xff);
    std::ofstream(noisy, std::ios::binary) << bytes.substr(0, bytes.size() / 3) << junk;
  }
  {
    stderr_capture capture(dir.file("stderr.txt"));
    try {
      const auto s = audio_source::open(noisy);
      BOOST_TEST(s->info().source_frames == decode_mpeg_straight(noisy).frames());
      s->read(0, s->info().frames);
      s->read(s->info().frames / 2, 48000);
    } catch (const auralis::codec::codec_error& e) {
      BOOST_TEST(std::string(e.what()).find(noisy) != std::string::npos);
    }
    const std::string said = capture.text();
    BOOST_TEST(said.empty(), "stderr got: " << said);
  }

  // Not MPEG audio at all.
  const std::string junk = dir.file("junk.mp3");
  {
    std::mt19937 rng(8);
    std::string data(50000, '\0');
    for (char& ch : data)
      ch = static_cast<char>((rng() & 0x7f) | 0x20); // no frame sync byte
    std::ofstream(junk, std::ios::binary) << data;
  }
  std::string msg = expect_codec_error([&] { audio_source::open(junk); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(junk) != std::string::npos);
  msg = expect_codec_error([&] { mpg123_source s(junk); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(junk) != std::string::npos);
  const std::string empty = dir.file("empty.mp3");
  std::ofstream(empty).flush();
  msg = expect_codec_error([&] { mpg123_source s(empty); }, codec_errc::unsupported);
  BOOST_TEST(msg.find(empty) != std::string::npos);
  const std::string missing = dir.file("missing.mp3");
  msg = expect_codec_error([&] { mpg123_source s(missing); }, codec_errc::io_error);
  BOOST_TEST(msg.find(missing) != std::string::npos);
  msg = expect_codec_error([&] { mpg123_source s(dir.path().string()); }, codec_errc::io_error);
  BOOST_TEST(msg.find(dir.path().string()) != std::string::npos);
  mpg123_source ok(good);
  expect_codec_error([&] { ok.read(0, -1); }, codec_errc::invalid_argument);
}
