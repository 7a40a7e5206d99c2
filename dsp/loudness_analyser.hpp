#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "config/preset.hpp"

namespace auralis::dsp {

/// Loudness facts of one track, measured once and kept by the library.
struct track_loudness {
  /// Integrated loudness of the untouched source, LUFS (-inf if silent).
  double source_lufs = 0;
  /// Per preset (in the order given): integrated loudness after its EQ and compressor, LUFS
  /// (-inf if silent).
  std::vector<double> pre_gain_lufs;
};

/// Measures a track's loudness for the mastering chain in one pass over the source: the
/// source itself and, per preset, the signal entering the loudness gain stage (after EQ
/// and compressor, which change the loudness). A chain's loudness gain is then
/// mastering_chain::loudness_gain_db(pre_gain_lufs[preset]), the same for every chunk.
class loudness_analyser {
public:
  /// Reads timeline frames [first, first + count) as interleaved stereo float (2 * count
  /// values); frames outside the track are zeros (as codec::audio_source::read does).
  using reader = std::function<std::vector<float>(std::int64_t first, std::int64_t count)>;

  /// Seconds read per step; each step also reads the chain's default pre-roll before it.
  static constexpr int span_seconds = 10;

  /// Measures the `frames`-frame track that `read` serves, at `rate` Hz, for `presets`.
  /// Costs about one EQ + compressor pass and one libebur128 pass per preset (plus one for
  /// the source): roughly 0.5 s of CPU per minute of audio for five presets. Throws what
  /// `read` throws, std::invalid_argument for negative frames, a short read or a bad preset.
  static track_loudness measure(const reader& read, std::int64_t frames,
                                const std::vector<config::preset>& presets, int rate = 48000);
};

} // namespace auralis::dsp
