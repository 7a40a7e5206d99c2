// tiers: the cache tiers holding real audio. Starts the engine's core actors with the
// default configuration (data folder in a temporary directory) over the demo library, all
// but the planner (the benchmark is the only one asking for renders), analyses each track
// once, renders chunks through the worker pool and puts them into L1 and L2 with a
// probability above the demotion floor, until L1, L2 and (through demotion, which has the
// pool compress evicted entries to Opus) L3 have all evicted for room. Then
// measures:
// - l3_ratio: 16-bit PCM bytes the L3 entries represent / Opus bytes L3 holds;
// - l3_decode_ms_p50: median wall time, submit to reply, of a decode job turning one full
//   15 s L3 entry back into PCM on an otherwise idle pool (>= 20 samples); the pool runs
//   the entry's segments as parallel parts on its idle workers, so this is about the CPU
//   per decode (also printed) divided by the workers;
// - l3_decode_floor_ms_p50: the same entries decoded by libopus alone, no actors: the
//   segments split into as many runs as the pool has workers, decoded at once on that many
//   plain threads (one decoder each), each measurement right after the pool's of the same
//   entry. What the machine allows at that moment: libopus' speed varies by tens of percent
//   between machines and over time on a shared one;
// - l3_encode_xrt: audio seconds per wall second of one 15 s encode job (median of 5);
// - rss_mb: the process's resident memory after the tiers are full (1 MB = 10^6 bytes,
//   as the budgets);
// - tier_bytes: bytes each tier holds, and budget_mb from the configuration.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <unistd.h>

#include "actors/core_actors.hpp"
#include "actors/message_types.hpp"
#include "actors/scheduler_settings.hpp"
#include "bench/bench.hpp"
#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_segmented_format.hpp"
#include "config/config_loader.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::bench {

namespace {

namespace fs = std::filesystem;
using namespace auralis::actors;

/// Sends a request and waits for its answer; throws std::runtime_error on an error.
template <class Reply, class Handle, class... Ts>
Reply ask(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
  std::optional<Reply> out;
  std::string failure;
  self->request(h, std::chrono::seconds(120), std::forward<Ts>(xs)...)
    .receive([&](Reply& r) { out = std::move(r); },
             [&](caf::error& e) { failure = self->system().render(e); });
  if (!out)
    throw std::runtime_error(failure);
  return std::move(*out);
}

/// Resident set size of this process, MB (10^6 bytes).
double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  long long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1e6;
}

/// A track with the loudness gain of each preset (from its analysis).
struct bench_track {
  track_info info;
  std::vector<std::pair<std::string, double>> gains; ///< preset name, loudness gain dB
};

struct tier_figures {
  tier_report l1, l2, l3;
};

class tiers_run {
public:
  tiers_run(caf::scoped_actor& self, const core_actors& core, const config::engine_config& cfg)
    : self_(self), core_(core), cfg_(cfg) {}

  tier_figures stats() {
    return {ask<tier_report>(self_, core_.l1, stats_atom::value),
            ask<tier_report>(self_, core_.l2, stats_atom::value),
            ask<tier_report>(self_, core_.l3, stats_atom::value)};
  }

  /// Waits until the pool is idle and the demotion path has dealt with every entry L1 and
  /// L2 demoted (stored in L3, put back as it was, dropped, or failed).
  void settle() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto pool = ask<pool_report>(self_, core_.pool, stats_atom::value);
      const auto t = stats();
      const auto d = ask<demotion_report>(self_, core_.demotion, stats_atom::value);
      bool idle = pool.busy == 0;
      for (auto q : pool.queued)
        idle = idle && q == 0;
      const bool demotions_done = d.received == t.l1.demoted + t.l2.demoted &&
                                  d.waiting == 0 && d.in_flight == 0;
      if (idle && demotions_done)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::printf("warning: demotions still pending after 300 s\n");
  }

  std::vector<bench_track> analyse() {
    std::vector<bench_track> out;
    for (auto& t : ask<std::vector<track_info>>(self_, core_.library, list_atom::value)) {
      const auto start = std::chrono::steady_clock::now();
      const auto a = ask<track_analysis>(self_, core_.library, analysis_atom::value, t.id);
      bench_track bt;
      bt.info = t;
      for (std::size_t i = 0; i < a.presets.size() && i < a.pre_gain_lufs.size(); ++i) {
        const auto* preset = cfg_.presets.find(a.presets[i]);
        if (preset == nullptr)
          continue;
        const double gain = dsp::mastering_chain(*preset).loudness_gain_db(a.pre_gain_lufs[i]);
        bt.gains.emplace_back(a.presets[i], gain);
      }
      std::printf("track %lld %-28s %6.1f s  %lld chunks  %.2f LUFS  analysed in %.0f ms\n",
                  static_cast<long long>(t.id), t.path.c_str(), t.duration_s,
                  static_cast<long long>(t.chunks), a.source_lufs,
                  seconds_since(start) * 1e3);
      out.push_back(std::move(bt));
    }
    if (out.empty())
      throw std::runtime_error("the demo library has no tracks");
    return out;
  }

  /// Every render job of the library, tracks and presets interleaved, full intensity first.
  static std::vector<job_spec> render_jobs(const std::vector<bench_track>& tracks) {
    std::vector<job_spec> jobs;
    for (std::int32_t tenths = 10; tenths >= 0; --tenths)
      for (std::size_t p = 0; p < tracks.front().gains.size(); ++p)
        for (std::int64_t chunk = 0;; ++chunk) {
          bool any = false;
          for (const auto& t : tracks) {
            if (chunk >= t.info.chunks || p >= t.gains.size())
              continue;
            any = true;
            job_spec j;
            j.kind = job_kind::render;
            j.key = cache_key{t.info.id, t.gains[p].first, tenths, chunk};
            j.priority = job_priority::l1;
            j.probability = 0.5;
            j.source = source_ref{t.info.abs_path, t.info.size, t.info.mtime_ns, t.info.frames};
            j.loudness_gain_db = t.gains[p].second;
            jobs.push_back(std::move(j));
          }
          if (!any)
            break;
        }
    return jobs;
  }

  /// Renders `jobs[next..]` a round at a time, storing each chunk in L1 (every third) or
  /// L2, until all three tiers have evicted for room. Returns the chunks rendered.
  std::size_t fill(const std::vector<job_spec>& jobs) {
    constexpr std::size_t round = 24;
    constexpr std::size_t window = 4;
    const double probability = 0.5; // above the demotion floor: evictions go to L3
    std::size_t done = 0;
    std::vector<double> render_ms;
    while (done < jobs.size()) {
      const std::size_t end = std::min(jobs.size(), done + round);
      for (std::size_t i = done; i < end; i += window) {
        std::vector<job_output> outs;
        const std::size_t n = std::min(window, end - i);
        std::vector<decltype(self_->request(core_.pool, caf::infinite, submit_atom::value,
                                            jobs[i]))>
          handles;
        for (std::size_t k = 0; k < n; ++k)
          handles.push_back(
            self_->request(core_.pool, std::chrono::seconds(120), submit_atom::value, jobs[i + k]));
        std::string failure;
        for (auto& h : handles)
          h.receive([&](job_output& o) { outs.push_back(std::move(o)); },
                    [&](caf::error& e) { failure = self_->system().render(e); });
        if (!failure.empty())
          throw std::runtime_error("render failed: " + failure);
        for (std::size_t k = 0; k < outs.size(); ++k) {
          render_ms.push_back(outs[k].cpu_ms);
          const auto& tier = (i + k) % 3 == 0 ? core_.l1 : core_.l2;
          ask<put_reply>(self_, tier, caf::put_atom::value, outs[k].key, std::move(outs[k].output),
                         probability);
        }
      }
      done = end;
      settle();
      const auto t = stats();
      std::printf("after %3zu chunks: L1 %5.1f MB (%llu evicted)  L2 %5.1f MB (%llu evicted)  "
                  "L3 %5.1f MB in %llu entries (%llu evicted)\n",
                  done, t.l1.bytes / 1e6, static_cast<unsigned long long>(t.l1.evictions),
                  t.l2.bytes / 1e6, static_cast<unsigned long long>(t.l2.evictions),
                  t.l3.bytes / 1e6, static_cast<unsigned long long>(t.l3.count),
                  static_cast<unsigned long long>(t.l3.evictions));
      if (t.l1.evictions > 0 && t.l2.evictions > 0 && t.l3.evictions > 0)
        break;
    }
    std::printf("render: %.1f ms CPU per chunk (median)\n", median(render_ms));
    return done;
  }

  /// Wall time of one job, submit to reply, ms.
  double timed_job(const job_spec& job, job_output* out) {
    const auto start = std::chrono::steady_clock::now();
    auto o = ask<job_output>(self_, core_.pool, submit_atom::value, job);
    const double ms = seconds_since(start) * 1e3;
    if (out)
      *out = std::move(o);
    return ms;
  }

private:
  caf::scoped_actor& self_;
  const core_actors& core_;
  const config::engine_config& cfg_;
};

/// Wall milliseconds to decode the L3 entry `blob` with libopus alone on `threads` plain
/// threads: its segments in `threads` runs (as even as the pool makes them), each run
/// decoded by its own thread and decoder into one PCM buffer. Throws codec_error when the
/// entry is corrupt.
double bare_decode_ms(const codec::byte_buffer& blob, unsigned threads) {
  const auto view = codec::opus_segmented_format::parse(blob);
  const std::uint32_t segments = view.segment_count();
  const unsigned parts = std::max(1u, std::min<unsigned>(threads, segments));
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::int16_t> pcm(2 * static_cast<std::size_t>(view.frame_count()));
  std::vector<std::thread> running;
  std::vector<std::exception_ptr> failed(parts);
  for (unsigned p = 0; p < parts; ++p)
    running.emplace_back([&, p] {
      try {
        codec::opus_chunk_decoder decoder;
        for (std::uint32_t k = p * segments / parts; k < (p + 1) * segments / parts; ++k) {
          const auto s = view.segment_at(k);
          decoder.decode_segment_into(blob.data(), blob.size(), k,
                                      pcm.data() + 2 * static_cast<std::size_t>(s.first_frame),
                                      2 * static_cast<std::size_t>(s.frame_count));
        }
      } catch (...) {
        failed[p] = std::current_exception();
      }
    });
  for (auto& t : running)
    t.join();
  for (const auto& e : failed)
    if (e)
      std::rethrow_exception(e);
  return seconds_since(start) * 1e3;
}

int measure(caf::scoped_actor& self, const core_actors& core, const config::engine_config& cfg) {
  tiers_run run(self, core, cfg);
  std::printf("process RSS at start: %.1f MB\n", rss_mb());
  const auto tracks = run.analyse();
  std::printf("process RSS after the analyses: %.1f MB\n", rss_mb());
  const auto jobs = tiers_run::render_jobs(tracks);
  const std::size_t rendered = run.fill(jobs);
  const auto full = run.stats();
  const double rss = rss_mb();
  std::printf("tiers full after %zu rendered chunks; process RSS %.1f MB\n", rendered, rss);
  for (const auto* r : {&full.l1, &full.l2, &full.l3})
    std::printf("  %s: %6.2f MB of %6.2f MB in %3llu entries, %llu evicted, %llu demoted\n",
                tier_label(r->tier), r->bytes / 1e6, r->budget / 1e6,
                static_cast<unsigned long long>(r->count),
                static_cast<unsigned long long>(r->evictions),
                static_cast<unsigned long long>(r->demoted));

  // L3: PCM represented vs Opus held.
  const auto records = ask<std::vector<entry_record>>(self, core.l3, list_atom::value);
  std::uint64_t pcm_bytes = 0, opus_bytes = 0;
  std::vector<std::pair<cache_key, audio_payload>> full_chunks;
  for (const auto& rec : records) {
    auto got = ask<get_reply>(self, core.l3, caf::get_atom::value, rec.key, false);
    if (!got.found || !got.payload.data)
      continue;
    const auto view = codec::opus_segmented_format::parse(*got.payload.data);
    pcm_bytes += static_cast<std::uint64_t>(view.frame_count()) * 4;
    opus_bytes += rec.bytes;
    if (static_cast<std::int64_t>(view.frame_count()) == cfg.chunk_frames())
      full_chunks.emplace_back(rec.key, std::move(got.payload));
  }
  if (opus_bytes == 0 || full_chunks.empty())
    throw std::runtime_error("L3 holds no full-length entries");
  const double ratio = static_cast<double>(pcm_bytes) / static_cast<double>(opus_bytes);
  std::printf("L3: %zu entries, %.2f MB of Opus for %.2f MB of PCM: %.2f : 1\n", records.size(),
              opus_bytes / 1e6, pcm_bytes / 1e6, ratio);

  // Decode: one full 15 s entry at a time on an idle pool, then the same with libopus alone.
  const auto workers =
    static_cast<unsigned>(ask<pool_report>(self, core.pool, stats_atom::value).workers);
  std::vector<double> decode_ms, decode_cpu_ms, floor_ms;
  job_output pcm;
  for (std::size_t i = 0; decode_ms.size() < std::max<std::size_t>(20, full_chunks.size()) &&
                          i < 4 * full_chunks.size();
       ++i) {
    const auto& [key, blob] = full_chunks[i % full_chunks.size()];
    job_spec job;
    job.kind = job_kind::decode;
    job.key = key;
    job.priority = job_priority::immediate;
    job.input = blob;
    decode_ms.push_back(run.timed_job(job, &pcm));
    decode_cpu_ms.push_back(pcm.cpu_ms);
    floor_ms.push_back(bare_decode_ms(*blob.data, workers));
  }
  const double decode_p50 = median(decode_ms);
  const double floor_p50 = median(floor_ms);
  const auto pool = ask<pool_report>(self, core.pool, stats_atom::value);
  std::printf("L3 decode of a 15 s entry in %u segments: %.2f ms wall (median of %zu), "
              "%.2f ms CPU on the workers in all (%llu decodes split into %llu parts)\n",
              codec::opus_segmented_format::parse(*full_chunks.front().second.data)
                .segment_count(),
              decode_p50, decode_ms.size(), median(decode_cpu_ms),
              static_cast<unsigned long long>(pool.split),
              static_cast<unsigned long long>(pool.parts));
  std::printf("the same entries decoded by libopus alone on %u plain threads: %.2f ms wall "
              "(median)\n",
              workers, floor_p50);

  // Encode: the last decoded chunk back to Opus, as demotion does.
  std::vector<double> encode_ms;
  for (int i = 0; i < 5; ++i) {
    job_spec job;
    job.kind = job_kind::encode;
    job.key = pcm.key;
    job.key.chunk_idx = 100000 + i; // not a real chunk: no other job shares it
    job.priority = job_priority::immediate;
    job.input = pcm.output;
    encode_ms.push_back(run.timed_job(job, nullptr));
  }
  const double chunk_s = static_cast<double>(cfg.chunk_frames()) / 48000.0;
  const double encode_xrt = chunk_s / (median(encode_ms) / 1e3);
  std::printf("L3 encode of a 15 s chunk (complexity %d, %d kbps): %.1f ms wall (median of 5), "
              "%.0fx real time\n",
              cfg.opus.complexity, cfg.opus.bitrate_kbps, median(encode_ms), encode_xrt);

  std::printf("{\"l3_ratio\": %.2f, \"l3_decode_ms_p50\": %.2f, \"l3_encode_xrt\": %.1f, "
              "\"rss_mb\": %.1f, \"budget_mb\": %g, \"tier_bytes\": {\"l1\": %llu, \"l2\": %llu, "
              "\"l3\": %llu}, \"l3_decode_floor_ms_p50\": %.2f}\n",
              ratio, decode_p50, encode_xrt, rss, cfg.tiers.total_mb,
              static_cast<unsigned long long>(full.l1.bytes),
              static_cast<unsigned long long>(full.l2.bytes),
              static_cast<unsigned long long>(full.l3.bytes), floor_p50);
  return 0;
}

} // namespace

int run_tiers(const bench_options& opts) {
  auto cfg = config::config_loader::load_embedded();
  const fs::path data_dir =
    fs::temp_directory_path() / ("auralis-bench-tiers-" + std::to_string(::getpid()));
  fs::create_directories(data_dir);
  cfg.paths.data_dir = data_dir.string();
  const std::string library = opts.data_dir + "/demo";
  ensure_demo_tracks(library);
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("tiers: budgets L1 %g MB, L2 %g MB, L3 %g MB (total %g MB); %u workers; "
              "chunks of %g s; library %s\n",
              cfg.tiers.l1_mb, cfg.tiers.l2_mb, cfg.tiers.l3_mb, cfg.tiers.total_mb,
              cfg.worker_count > 0 ? static_cast<unsigned>(cfg.worker_count) : cores,
              cfg.chunk_seconds, library.c_str());

  caf::actor_system_config sys_cfg;
  add_message_types(sys_cfg);
  apply_scheduler_settings(sys_cfg, cores);
  int rc = 1;
  {
    caf::actor_system sys{sys_cfg};
    const auto core = spawn_core_actors(sys, cfg, library, cores);
    // The benchmark fills the tiers itself. With no listener the planner wants no render,
    // and each of its rounds would withdraw the benchmark's queued renders from the pool
    // (prune), so it stops before the measurement.
    stop_in_order(sys, {caf::actor_cast<caf::actor_addr>(core.planner)});
    try {
      caf::scoped_actor self{sys};
      rc = measure(self, core, cfg);
    } catch (...) {
      stop_in_order(sys, core.stop_order());
      std::error_code ec;
      fs::remove_all(data_dir, ec);
      throw;
    }
    stop_in_order(sys, core.stop_order());
  }
  std::error_code ec;
  fs::remove_all(data_dir, ec);
  return rc;
}

} // namespace auralis::bench
