#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace auralis::dsp {

/// Synthesises the demo library: three music-like stereo tracks of clearly different
/// character, deterministic (the same samples on every machine and run).
class demo_synth {
public:
  /// One demo track.
  struct track_spec {
    std::string file_name; ///< e.g. "01-ambient-drift.flac"
    std::string title;     ///< human title
    double seconds;        ///< duration
  };

  /// The three demo tracks: 0 quiet ambient, 1 loud rhythmic (kick, snare, bass),
  /// 2 bright and vocal-range heavy.
  static const std::vector<track_spec>& tracks();

  /// Renders track `index` (< tracks().size()) as interleaved stereo float at `rate` Hz,
  /// peak below 1.0. Throws std::out_of_range for a bad index.
  static std::vector<float> render(std::size_t index, int rate);

  /// The sample rate of the demo FLAC files, Hz (44.1 kHz, so the resampler is exercised).
  static constexpr int file_rate = 44100;

  /// Writes the demo tracks as 16-bit FLAC into `dir` (created if needed), skipping files
  /// that already exist; returns their paths in tracks() order. Throws codec_error or
  /// std::filesystem_error when the folder cannot be written.
  static std::vector<std::string> ensure_demo_library(const std::string& dir);
};

} // namespace auralis::dsp
