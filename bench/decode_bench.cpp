// decode: how fast audio_source turns files into 48 kHz chunks, read the way the renderer
// reads them (15 s chunks, each with 3 s of pre-roll before it), for a 44.1 kHz FLAC demo
// track (decode + soxr HQ resampling) and the same audio as a 48 kHz 16-bit WAV (decode
// only). Figure: times real time per core = track seconds / thread CPU seconds of a full
// pass (open + every chunk), pre-roll decoded as work but not counted as audio; median of
// several passes after one warm-up pass.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

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

/// One warm-up pass, then `passes` measured ones over `path`; prints one line and returns
/// the median times real time.
double measure(const std::string& label, const std::string& path) {
  chunk_pass(path);
  std::vector<double> xrt, worst;
  pass_result last;
  for (int p = 0; p < passes; ++p) {
    last = chunk_pass(path);
    xrt.push_back(last.audio_s / last.cpu_s);
    worst.push_back(last.worst_chunk_ms);
  }
  const double x = median(xrt);
  std::printf("%-10s %.1f s of audio, %lld chunks of %.0f s + %.0f s pre-roll: %.1f ms CPU per "
              "pass, slowest chunk %.2f ms (medians of %d): %.1fx real time per core\n",
              label.c_str(), last.audio_s, static_cast<long long>(last.chunks), chunk_seconds,
              preroll_seconds, last.audio_s / x * 1e3, median(worst), passes, x);
  return x;
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

  const double flac_xrt = measure("flac_44k1", flac);
  const double wav_xrt = measure("wav_48k", wav);
  std::printf("{\"decode_xrt\": {\"flac_44k1\": %.1f, \"wav_48k\": %.1f}, \"decode_xrt_min\": %.1f}\n",
              flac_xrt, wav_xrt, std::min(flac_xrt, wav_xrt));
  return 0;
}

} // namespace auralis::bench
