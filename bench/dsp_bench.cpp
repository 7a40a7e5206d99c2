// dsp: the mastering chain's speed. Renders the first 60 s of the rhythmic demo track
// (synthesised at 48 kHz) through each preset in 15 s chunks with the preset's pre-roll
// (mastering_chain::default_preroll_frames(), 1-3 s) and the limiter's post-roll, to 16-bit
// PCM with dither, and measures thread CPU time, at intensity 1 (the full chain) and at
// intensity 0.5 (the crossfade with the source, which reads the source once more). Times
// real time = audio seconds delivered / CPU seconds spent (pre-roll work included).

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench.hpp"
#include "config/config_loader.hpp"
#include "dsp/content_features.hpp"
#include "dsp/demo_synth.hpp"
#include "dsp/loudness_analyser.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::bench {

int run_dsp(const bench_options& opts) {
  constexpr int rate = 48000;
  constexpr std::int64_t chunk_frames = 15 * rate;
  constexpr std::int64_t chunks = 4;
  constexpr std::int64_t seconds = chunk_frames * chunks / rate;
  constexpr int repeats = 5;
  const auto presets =
    config::config_loader::parse_presets(config::embedded_presets_json, "(embedded presets)");
  const std::size_t track_index = 1;
  std::printf("dsp: demo track %zu (%s), first %lld s, %lld chunks of 15 s, each preset's "
              "pre-roll, %d repeats\n",
              track_index, dsp::demo_synth::tracks()[track_index].title.c_str(),
              static_cast<long long>(seconds), static_cast<long long>(chunks), repeats);
  const std::vector<float> track = dsp::demo_synth::render(track_index, rate);
  const auto track_frames = static_cast<std::int64_t>(track.size() / 2);
  const std::int64_t frames = std::min(track_frames, chunk_frames * chunks);
  // The timeline with zeros before frame 0 (the longest pre-roll), so every chunk's pre-roll
  // is a plain pointer.
  const dsp::mastering_chain probe(presets.all().front(), rate);
  const auto lead = static_cast<std::int64_t>(dsp::mastering_chain::default_preroll_seconds * rate);
  const std::int64_t postroll = probe.postroll_frames();
  std::vector<float> timeline(static_cast<std::size_t>(2 * lead), 0.0f);
  timeline.insert(timeline.end(), track.begin(), track.end());
  timeline.resize(timeline.size() + static_cast<std::size_t>(2 * postroll), 0.0f);

  const auto read = [&](std::int64_t first, std::int64_t count) {
    std::vector<float> out(static_cast<std::size_t>(2 * count), 0.0f);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int64_t f = first + i;
      if (f >= 0 && f < frames) {
        out[2 * i] = track[2 * f];
        out[2 * i + 1] = track[2 * f + 1];
      }
    }
    return out;
  };
  double t0 = thread_cpu_seconds();
  const dsp::track_loudness loudness =
    dsp::loudness_analyser::measure(read, frames, presets.all(), rate);
  const double analysis_s = thread_cpu_seconds() - t0;
  std::printf("loudness analysis (once per track, %zu presets): %.1f ms CPU, source %.2f LUFS\n",
              presets.size(), analysis_s * 1e3, loudness.source_lufs);

  std::vector<double> feature_ms;
  dsp::content_features features;
  for (int rep = 0; rep < repeats; ++rep)
    for (std::int64_t k = 0; k < chunks; ++k) {
      const std::int64_t n = std::min(chunk_frames, frames - k * chunk_frames);
      t0 = thread_cpu_seconds();
      const auto f = features.compute(track.data() + 2 * k * chunk_frames, n, rate);
      feature_ms.push_back((thread_cpu_seconds() - t0) * 1e3);
      if (rep == 0)
        std::printf("  chunk %lld features: energy %.2f brightness %.2f dynamics %.2f vocal %.2f "
                    "rhythm %.2f\n",
                    static_cast<long long>(k), f.energy, f.brightness, f.dynamics, f.vocal_presence,
                    f.rhythmic_energy);
    }
  std::printf("content features: %.2f ms per 15 s chunk (median; once per chunk, not per "
              "preset)\n",
              median(feature_ms));

  std::vector<double> chunk_ms;
  std::string xrt_json, half_json;
  double xrt_min = 0;
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(2 * chunk_frames));
  for (double intensity : {1.0, 0.5}) {
    for (std::size_t p = 0; p < presets.size(); ++p) {
      const auto& preset = presets.all()[p];
      dsp::mastering_chain chain(preset, rate);
      dsp::render_request request;
      request.intensity = intensity;
      request.loudness_gain_db = chain.loudness_gain_db(loudness.pre_gain_lufs[p]);
      request.dither_seed = opts.seed;
      const std::int64_t preroll = chain.default_preroll_frames();
      request.preroll_frames = preroll;
      double cpu = 0;
      double limiter_db = 0;
      for (int rep = 0; rep < repeats; ++rep)
        for (std::int64_t k = 0; k < chunks; ++k) {
          const std::int64_t first = k * chunk_frames;
          request.start_frame = first;
          request.output_frames = std::min(chunk_frames, frames - first);
          request.input = timeline.data() + 2 * (lead + first - preroll);
          request.input_frames = preroll + request.output_frames + postroll;
          t0 = thread_cpu_seconds();
          chain.render_pcm(request, pcm.data());
          const double s = thread_cpu_seconds() - t0;
          cpu += s;
          if (intensity == 1.0)
            chunk_ms.push_back(s * 1e3);
          limiter_db = std::min(limiter_db, chain.last_stats().limiter_min_gain_db);
        }
      const double xrt = static_cast<double>(frames) * repeats / rate / cpu;
      std::printf("%-9s i=%.1f gain %+6.2f dB  limiter down to %6.2f dB  pre-roll %.2f s  %8.1f ms "
                  "CPU for %d x %lld s  %7.0fx real time\n",
                  preset.name.c_str(), intensity, request.loudness_gain_db, limiter_db,
                  static_cast<double>(preroll) / rate, cpu * 1e3, repeats,
                  static_cast<long long>(seconds), xrt);
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s\"%s\": %.1f", p ? ", " : "", preset.name.c_str(), xrt);
      if (intensity == 1.0) {
        xrt_json += buf;
        xrt_min = p ? std::min(xrt_min, xrt) : xrt;
      } else {
        half_json += buf;
      }
    }
  }
  std::printf("{\"dsp_xrt\": {%s}, \"dsp_xrt_min\": %.1f, \"dsp_xrt_intensity_0_5\": {%s}, "
              "\"chunk_ms_p50\": %.3f}\n",
              xrt_json.c_str(), xrt_min, half_json.c_str(), median(chunk_ms));
  return 0;
}

} // namespace auralis::bench
