#include <algorithm>
#include <filesystem>
#include <time.h>

#include "bench/bench.hpp"
#include "dsp/demo_synth.hpp"

namespace auralis::bench {

double median(std::vector<double> v) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::vector<std::string> ensure_demo_tracks(const std::string& dir) {
  return dsp::demo_synth::ensure_demo_library(dir);
}

} // namespace auralis::bench
