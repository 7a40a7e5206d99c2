// decode: how fast audio_source turns files into 48 kHz chunks, read the way the renderer
// reads them (15 s chunks, each with 3 s of pre-roll before it), for a 44.1 kHz FLAC demo
// track (decode + soxr HQ resampling), the same audio as a 48 kHz 16-bit WAV (decode
// only), and as MP3 and Ogg Vorbis at 22.05 and 44.1 kHz (lossy decode + resampling; made
// at bench start with libsoxr and libsndfile). Figures per format: times real time per
// core = track seconds / thread CPU seconds of a full pass (open + every chunk), pre-roll
// decoded as work but not counted as audio, and CPU ms per 15 s chunk; medians of several
// passes after one warm-up pass.

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <sndfile.h>
#include <soxr.h>

#include "bench/bench.hpp"
#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"

namespace auralis::bench {

namespace {

constexpr double chunk_seconds = 15.0;
constexpr double preroll_seconds = 3.0;
constexpr int passes = 5;

struct pass_result {
  double cpu_s = 0;          ///< thread CPU seconds of the pass (open + every chunk)
  double audio_s = 0;        ///< track seconds delivered (chunks without pre-roll)
  std::int64_t chunks = 0;   ///< chunks read
  double worst_chunk_ms = 0; ///< slowest single chunk read, CPU ms
};

/// Opens `path` and reads every chunk once, in order, as the renderer would.
pass_result chunk_pass(const std::string& path) {
  const std::int64_t chunk = static_cast<std::int64_t>(chunk_seconds * codec::engine_rate);
  const std::int64_t preroll = static_cast<std::int64_t>(preroll_seconds * codec::engine_rate);
  pass_result r;
  const double start = thread_cpu_seconds();
  const auto src = codec::audio_source::open(path);
  const std::int64_t frames = src->info().frames;
  r.chunks = src->chunk_count(chunk);
  for (std::int64_t k = 0; k < r.chunks; ++k) {
    const double chunk_start = thread_cpu_seconds();
    const std::int64_t length = std::min(chunk, frames - k * chunk);
    src->read(k * chunk - preroll, length + preroll);
    r.worst_chunk_ms = std::max(r.worst_chunk_ms, (thread_cpu_seconds() - chunk_start) * 1e3);
  }
  r.cpu_s = thread_cpu_seconds() - start;
  r.audio_s = static_cast<double>(frames) / codec::engine_rate;
  return r;
}

/// Median figures of one format.
struct format_result {
  double xrt = 0;      ///< times real time per core
  double chunk_ms = 0; ///< CPU ms per 15 s chunk (pass CPU / chunks)
};

/// `interleaved` (stereo, 48 kHz) resampled to `rate` with libsoxr (HQ).
std::vector<float> resampled(const std::vector<float>& interleaved, int rate) {
  if (rate == codec::engine_rate)
    return interleaved;
  const std::size_t in_frames = interleaved.size() / 2;
  std::vector<float> out(2 * (in_frames * static_cast<std::size_t>(rate) / codec::engine_rate + 16));
  std::size_t done = 0;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  if (soxr_oneshot(codec::engine_rate, rate, 2, interleaved.data(), in_frames, nullptr,
                   out.data(), out.size() / 2, &done, &io, &q, nullptr))
    throw std::runtime_error("decode bench: libsoxr failed");
  out.resize(2 * done);
  return out;
}

/// Writes stereo `interleaved` at `rate` Hz to `path` as libsndfile `format`; throws
/// std::runtime_error naming the file when libsndfile refuses.
void write_sndfile(const std::string& path, const std::vector<float>& interleaved, int rate,
                   int format) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = 2;
  info.format = format;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f)
    throw std::runtime_error("decode bench: cannot write " + path + ": " + sf_strerror(nullptr));
  // In slices: libsndfile's Vorbis writer crashes on one very large write.
  const auto frames = static_cast<sf_count_t>(interleaved.size() / 2);
  sf_count_t written = 0;
  for (sf_count_t at = 0; at < frames;) {
    const sf_count_t n = std::min<sf_count_t>(4096, frames - at);
    const sf_count_t done = sf_writef_float(f, interleaved.data() + 2 * at, n);
    written += done;
    if (done != n)
      break;
    at += n;
  }
  sf_close(f);
  if (written != frames)
    throw std::runtime_error("decode bench: short write to " + path);
}

/// One warm-up pass, then `passes` measured ones over `path`; prints one line and returns
/// the median figures.
format_result measure(const std::string& label, const std::string& path) {
  chunk_pass(path);
  std::vector<double> xrt, worst, per_chunk;
  pass_result last;
  for (int p = 0; p < passes; ++p) {
    last = chunk_pass(path);
    xrt.push_back(last.audio_s / last.cpu_s);
    worst.push_back(last.worst_chunk_ms);
    per_chunk.push_back(last.cpu_s * 1e3 / static_cast<double>(std::max<std::int64_t>(last.chunks, 1)));
  }
  const format_result r{median(xrt), median(per_chunk)};
  std::printf("%-12s %.1f s of audio, %lld chunks of %.0f s + %.0f s pre-roll: %.1f ms CPU per "
              "pass, %.2f ms per chunk, slowest chunk %.2f ms (medians of %d): %.1fx real time "
              "per core\n",
              label.c_str(), last.audio_s, static_cast<long long>(last.chunks), chunk_seconds,
              preroll_seconds, last.audio_s / r.xrt * 1e3, r.chunk_ms, median(worst), passes,
              r.xrt);
  return r;
}

} // namespace

int run_decode(const bench_options& opts) {
  const std::vector<std::string> tracks = ensure_demo_tracks(opts.data_dir + "/demo");
  const std::string flac = tracks.front();
  const codec::audio_info info = codec::audio_source::open(flac)->info();
  std::printf("decode: one thread; source %s, %s, %d Hz, %d channels, %.1f s\n",
              std::filesystem::path(flac).filename().string().c_str(), info.format.c_str(),
              info.source_rate, info.channels, info.duration_s);

  // The same audio as a 48 kHz 16-bit WAV, made from the current FLAC by our own decoder
  // and resampler (rewritten on every run so it never goes stale).
  const std::string wav_dir = opts.data_dir + "/decode";
  std::filesystem::create_directories(wav_dir);
  const std::string wav = wav_dir + "/" + std::filesystem::path(flac).stem().string() + "-48k.wav";
  {
    const auto src = codec::audio_source::open(flac);
    codec::write_audio_file(wav, src->read(0, src->info().frames), 2, codec::engine_rate,
                            codec::file_format::wav_pcm16);
  }

  // The same audio as MP3 and Ogg Vorbis at 22.05 and 44.1 kHz (rewritten on every run).
  std::vector<std::pair<std::string, std::string>> files{{"flac_44k1", flac}, {"wav_48k", wav}};
  {
    const auto src = codec::audio_source::open(wav);
    const std::vector<float> pcm = src->read(0, src->info().frames);
    const std::string stem = wav_dir + "/" + std::filesystem::path(flac).stem().string();
    for (int rate : {22050, 44100}) {
      const std::vector<float> at_rate = resampled(pcm, rate);
      const std::string khz = rate == 22050 ? "22k05" : "44k1";
      const std::pair<std::string, int> kinds[] = {
        {"mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III},
        {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS}};
      for (const auto& [ext, format] : kinds) {
        const std::string path = stem + "-" + khz + "." + ext;
        try {
          write_sndfile(path, at_rate, rate, format);
          files.emplace_back((ext == "ogg" ? "vorbis_" : "mp3_") + khz, path);
        } catch (const std::exception& e) {
          std::printf("skipping %s: %s\n", path.c_str(), e.what());
        }
      }
    }
  }

  std::string xrt_json, ms_json;
  double xrt_min = 0;
  bool first = true;
  for (const auto& [label, path] : files) {
    format_result r;
    try {
      r = measure(label, path);
    } catch (const std::exception& e) {
      std::printf("%-12s cannot be read: %s\n", label.c_str(), e.what());
      continue;
    }
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s\"%s\": %.1f", first ? "" : ", ", label.c_str(), r.xrt);
    xrt_json += buf;
    std::snprintf(buf, sizeof buf, "%s\"%s\": %.2f", first ? "" : ", ", label.c_str(), r.chunk_ms);
    ms_json += buf;
    xrt_min = first ? r.xrt : std::min(xrt_min, r.xrt);
    first = false;
  }
  std::printf("{\"decode_xrt\": {%s}, \"decode_chunk_ms\": {%s}, \"decode_xrt_min\": %.1f}\n",
              xrt_json.c_str(), ms_json.c_str(), xrt_min);
  return 0;
}

} // namespace auralis::bench
