#pragma once

#include <cstdint>
#include <memory>

namespace auralis::dsp {

/// EBU R128 / ITU-R BS.1770 integrated loudness (libebur128) of interleaved stereo float,
/// fed span by span in timeline order. NaN and +-Inf samples are measured as 0.
class loudness_meter {
public:
  /// A meter for stereo at `rate` Hz. Throws std::invalid_argument for a rate outside
  /// 8 kHz..384 kHz, std::runtime_error when libebur128 cannot set up.
  explicit loudness_meter(int rate = 48000);
  ~loudness_meter();
  loudness_meter(loudness_meter&& other) noexcept;            ///< leaves `other` unusable
  loudness_meter& operator=(loudness_meter&& other) noexcept; ///< leaves `other` unusable
  loudness_meter(const loudness_meter&) = delete;
  loudness_meter& operator=(const loudness_meter&) = delete;

  /// Adds the next `frames` stereo frames (2 * frames values) of the programme.
  void add(const float* interleaved, std::int64_t frames);

  /// Integrated (gated) loudness of everything added so far, LUFS; -infinity when nothing
  /// passes the -70 LUFS absolute gate (silence, or less than 400 ms added).
  double integrated_lufs() const;

  /// Integrated loudness of a whole programme in one call, LUFS (as integrated_lufs()).
  static double measure(const float* interleaved, std::int64_t frames, int rate = 48000);

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace auralis::dsp
