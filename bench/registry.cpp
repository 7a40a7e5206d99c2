#include "bench/bench.hpp"

namespace auralis::bench {

// Each benchmark lives in bench/<name>_bench.cpp.
int run_decode(const bench_options&);
int run_dsp(const bench_options&);
int run_predictor(const bench_options&);

const std::vector<benchmark>& all_benchmarks() {
  static const std::vector<benchmark> list{
    {"decode", "decode + resample demo tracks chunk by chunk (44.1 kHz FLAC, 48 kHz WAV)",
     &run_decode},
    {"dsp", "mastering chain: 60 s of a demo track per preset in 15 s chunks (3 s pre-roll)",
     &run_dsp},
    {"predictor", "replays synthetic listener traces; top-1/top-3 accuracy against the oracle",
     &run_predictor},
  };
  return list;
}

} // namespace auralis::bench
