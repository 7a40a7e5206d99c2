#pragma once

namespace auralis::codec {

/// Encoder settings shared by the L3 chunk codec and the Ogg Opus writer (from the
/// config's `opus` section; the config holds kbps, these hold bits per second).
struct opus_options {
  int bitrate_bps = 160000; ///< target bitrate of the whole stereo stream, 6000..510000 b/s (VBR)
  int complexity = 10;      ///< encoder effort 0 (fastest) .. 10 (best quality)
  /// L3 chunks only: independently decodable segments per chunk, 1..16 (see
  /// opus_segmented_format); a chunk's segments can be decoded on that many threads at once.
  int segments = 4;

  /// Throws codec_error (invalid_argument) naming the field when bitrate_bps is outside
  /// 6000..510000, complexity outside 0..10 or segments outside 1..16; returns normally
  /// otherwise.
  void validate() const;
};

} // namespace auralis::codec
