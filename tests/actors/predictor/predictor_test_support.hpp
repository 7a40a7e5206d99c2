#pragma once

// Helpers for the predictor's tests: the five shipped preset names, default settings and
// time points on a fake monotonic clock.

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "actors/predictor/predictor.hpp"
#include "config/engine_config.hpp"
#include "config/preset.hpp"

namespace auralis::test {

using predictor_time = std::chrono::steady_clock::time_point;

/// The shipped preset names in file order: adaptive(0) gentle(1) warm(2) bright(3) punchy(4).
inline config::preset_set five_presets() {
  std::vector<config::preset> out;
  for (const char* name : {"adaptive", "gentle", "warm", "bright", "punchy"}) {
    config::preset p;
    p.name = name;
    out.push_back(p);
  }
  return config::preset_set(std::move(out));
}

/// Default predictor and planner rules over five_presets(), 15 s chunks.
inline actors::predictor_settings default_predictor_settings() {
  actors::predictor_settings s;
  s.presets = five_presets();
  s.chunk_seconds = 15;
  return s;
}

/// `seconds` (rounded to the nanosecond) after a fixed origin of the fake clock.
inline predictor_time at(double seconds) {
  const auto origin = predictor_time{} + std::chrono::hours(24);
  return origin + std::chrono::nanoseconds(std::llround(seconds * 1e9));
}

} // namespace auralis::test
