#include "bench/bench.hpp"

namespace auralis::bench {

// Each benchmark lives in bench/<name>_bench.cpp.
int run_decode(const bench_options&);
int run_dsp(const bench_options&);
int run_http(const bench_options&);
int run_predictor(const bench_options&);
int run_replay(const bench_options&);
int run_tiers(const bench_options&);

const std::vector<benchmark>& all_benchmarks() {
  static const std::vector<benchmark> list{
    {"decode", "decode + resample demo tracks chunk by chunk (44.1 kHz FLAC, 48 kHz WAV, "
              "MP3 and Ogg Vorbis at 22.05 and 44.1 kHz)",
     &run_decode},
    {"dsp", "mastering chain: 60 s of a demo track per preset in 15 s chunks (3 s pre-roll), "
             "at intensity 1 and 0.5",
     &run_dsp},
    {"http", "HTTP front end on loopback: server CPU per /api/cache/check and per L1 WAV "
             "chunk fetch, p50/p99 of L1 fetches at 32 connections", &run_http},
    {"predictor", "replays synthetic listener traces; top-1/top-3 accuracy against the oracle",
     &run_predictor},
    {"replay", "real actors on the demo library, seeded listeners at accelerated time: hits, "
               "misses, switches served from cache, wasted renders",
     &run_replay},
    {"tiers", "fills L1, L2 and L3 past their budgets with rendered demo chunks; L3 ratio, "
              "decode time, RSS", &run_tiers},
  };
  return list;
}

} // namespace auralis::bench
