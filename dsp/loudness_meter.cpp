#include "dsp/loudness_meter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <ebur128.h>

namespace auralis::dsp {

/// Owns one libebur128 state.
struct loudness_meter::state {
  ebur128_state* st = nullptr;
  explicit state(ebur128_state* s) : st(s) {}
  ~state() { ebur128_destroy(&st); }
  state(const state&) = delete;
  state& operator=(const state&) = delete;
};

loudness_meter::loudness_meter(int rate) {
  if (rate < 8000 || rate > 384000)
    throw std::invalid_argument("loudness_meter: sample rate out of range");
  ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(rate), EBUR128_MODE_I);
  if (!st)
    throw std::runtime_error("loudness_meter: libebur128 could not initialise");
  state_ = std::make_unique<state>(st);
}

loudness_meter::~loudness_meter() = default;
loudness_meter::loudness_meter(loudness_meter&& other) noexcept = default;
loudness_meter& loudness_meter::operator=(loudness_meter&& other) noexcept = default;

void loudness_meter::add(const float* interleaved, std::int64_t frames) {
  if (!state_)
    throw std::logic_error("loudness_meter: used after move");
  // libebur128 must not see NaN: feed a cleaned copy, a slice at a time.
  constexpr std::int64_t slice = 4096;
  float clean[2 * slice];
  for (std::int64_t done = 0; done < frames; done += slice) {
    const std::int64_t n = std::min(slice, frames - done);
    const float* in = interleaved + 2 * done;
    for (std::int64_t i = 0; i < 2 * n; ++i)
      clean[i] = std::isfinite(in[i]) ? in[i] : 0.0f;
    if (ebur128_add_frames_float(state_->st, clean, static_cast<std::size_t>(n)) != EBUR128_SUCCESS)
      throw std::runtime_error("loudness_meter: libebur128 rejected the frames");
  }
}

double loudness_meter::integrated_lufs() const {
  if (!state_)
    throw std::logic_error("loudness_meter: used after move");
  double lufs = 0;
  if (ebur128_loudness_global(state_->st, &lufs) != EBUR128_SUCCESS)
    throw std::runtime_error("loudness_meter: libebur128 could not compute the loudness");
  // libebur128 reports -HUGE_VAL when no block passes the gate.
  return std::isfinite(lufs) ? lufs : -std::numeric_limits<double>::infinity();
}

double loudness_meter::measure(const float* interleaved, std::int64_t frames, int rate) {
  loudness_meter meter(rate);
  meter.add(interleaved, frames);
  return meter.integrated_lufs();
}

} // namespace auralis::dsp
