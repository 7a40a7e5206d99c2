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

/// What loudness_analyser::measure_part measured of a stretch of a track: the 100 ms
/// sub-block mean squares (loudness_bank::sub_blocks) of every programme, programme 0
/// the source and 1 + p preset p's pre-gain signal.
struct loudness_part {
  std::int64_t first = 0; ///< timeline frame the stretch starts at
  std::int64_t end = 0;   ///< timeline frame after its last frame
  std::vector<std::vector<double>> sub_blocks; ///< per programme, in timeline order
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

  /// Called once per span, in timeline order, with the span's source frames: `count`
  /// interleaved stereo frames from timeline frame `first` (the last span may be short).
  using span_visitor =
    std::function<void(std::int64_t first, const float* frames, std::int64_t count)>;

  /// Seconds read per step when the caller does not choose: each step renders the chains'
  /// pre-roll (3 s) again, and holds the step's pre-gain signal of every preset at once
  /// (about 2.3 MB per preset at 48 kHz).
  static constexpr int span_seconds = 6;

  /// Measures the `frames`-frame track that `read` serves, at `rate` Hz, for `presets`,
  /// reading it once from start to end in spans of `span_frames` (0: span_seconds), each
  /// read right after the one before (the chains' pre-roll before a span is the end of the
  /// span before it, kept, not read again). `visit`, when set, sees every span's source
  /// frames (for measurements of the caller's own, such as per-chunk features). The chains
  /// cost about one EQ + compressor pass per preset; the loudness of all of them is
  /// measured side by side (loudness_bank). Throws what `read` or `visit` throws,
  /// std::invalid_argument for negative frames or span_frames, a short read or a bad preset.
  static track_loudness measure(const reader& read, std::int64_t frames,
                                const std::vector<config::preset>& presets, int rate = 48000,
                                std::int64_t span_frames = 0, const span_visitor& visit = {});

  /// K-weighting settling measured before a stretch that starts inside the track and then
  /// dropped, seconds: the filters' state after it matches a pass from the track start to
  /// float rounding.
  static constexpr double part_settle_seconds = 0.5;

  /// Measures timeline frames [first, end) of the `frames`-frame track as measure() does,
  /// so that the parts of a track measured apart (on several threads) and joined by
  /// combine() give measure()'s result to float rounding (0.001 LU). A part inside the
  /// track also reads the chains' pre-roll and part_settle_seconds before `first`, which
  /// `visit` does not see (it sees [first, end) only). `first` must be a multiple of 100 ms
  /// (rate / 10 frames, as the sub-blocks fall), and so must `end` unless it is `frames`.
  /// Throws as measure() does, and std::invalid_argument for a stretch outside the track
  /// or off the sub-block grid.
  static loudness_part measure_part(const reader& read, std::int64_t frames, std::int64_t first,
                                    std::int64_t end, const std::vector<config::preset>& presets,
                                    int rate = 48000, std::int64_t span_frames = 0,
                                    const span_visitor& visit = {});

  /// Joins parts that cover a track from frame 0 without gaps or overlaps, in order, each
  /// with the same number of programmes (1 + presets), into the track's loudness. Throws
  /// std::invalid_argument when they do not.
  static track_loudness combine(const std::vector<loudness_part>& parts);
};

} // namespace auralis::dsp
