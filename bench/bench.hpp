#pragma once

// The benchmark contract: each benchmark is a function that prints what it measures in
// readable lines on stdout and ends with exactly one line of JSON figures. Benchmarks are
// not tests: they assert nothing, they measure.

#include <chrono>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace auralis::bench {

/// Options every benchmark understands.
struct bench_options {
  std::string data_dir = "var/bench"; ///< scratch space (demo library, temp files)
  unsigned seed = 42;                 ///< for anything random
  std::string only;                   ///< run only this part (replay: a scenario name); "" = all
};

/// One benchmark: `name` is its subcommand; `run` returns the process exit code.
struct benchmark {
  std::string name;
  std::string description;
  int (*run)(const bench_options&);
};

/// Every benchmark, in the order `auralis-bench --help` lists them.
const std::vector<benchmark>& all_benchmarks();

/// Seconds elapsed on a monotonic clock since `start`.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Median of `v` (copied; 0 for an empty vector).
double median(std::vector<double> v);

/// CPU seconds used by this thread so far.
double thread_cpu_seconds();

/// Demo library for benchmarks: writes it into `dir` if missing; returns the track paths
/// (ambient, rhythmic, bright).
std::vector<std::string> ensure_demo_tracks(const std::string& dir);

} // namespace auralis::bench
