#include "test_support.hpp"

#include <cmath>
#include <random>

namespace auralis::test {

std::vector<float> music_like(std::int64_t frames, int rate, unsigned seed) {
  std::vector<float> out(static_cast<std::size_t>(frames) * 2);
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.f, 0.01f);
  const double two_pi = 6.283185307179586;
  for (std::int64_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double trem = 0.75 + 0.25 * std::sin(two_pi * 0.5 * t);
    const double l = 0.25 * std::sin(two_pi * 220.0 * t) + 0.15 * std::sin(two_pi * 1330.0 * t);
    const double r = 0.25 * std::sin(two_pi * 221.5 * t) + 0.15 * std::sin(two_pi * 2750.0 * t);
    out[2 * i] = static_cast<float>(trem * l) + noise(rng);
    out[2 * i + 1] = static_cast<float>(trem * r) + noise(rng);
  }
  return out;
}

} // namespace auralis::test
