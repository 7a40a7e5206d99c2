#pragma once

#include <cstdint>
#include <vector>

namespace auralis::codec {

/// Folds interleaved frames of any channel count to interleaved stereo with a fixed gain
/// matrix chosen once from the channel layout:
/// - 1 channel: copied to both sides at gain 1.
/// - 2 channels: passed through unchanged (bit-exact).
/// - more channels with a known layout (the file's channel map, or 6 channels in the
///   container's default 5.1 order): ITU-R BS.775-style. Front left/right go to their side
///   at 1, centre to both at 0.7071, rear/side/top-front left and right to their side at
///   0.7071, rear/top centres to both at 0.5, LFE is dropped; then both sides are scaled by
///   one factor so that the larger of the two gain sums is 1 (channels all at full scale
///   and in phase cannot clip, and the balance is kept).
/// - more channels otherwise: left = mean of the even-numbered channels (0, 2, 4, ...),
///   right = mean of the odd-numbered ones (1, 3, 5, ...).
class stereo_downmix {
public:
  /// Default order of a 6-channel file that declares no channel map.
  enum class surround_order {
    wav,    ///< L R C LFE Ls Rs: WAV, FLAC and most other containers (SMPTE order)
    vorbis, ///< L C R Ls Rs LFE: Ogg Vorbis and Ogg Opus (Vorbis order)
  };

  /// The matrix for `channels` source channels. `channel_map` is either empty (no declared
  /// layout) or holds one libsndfile SF_CHANNEL_MAP_* value per channel; a map with a
  /// value outside the roles above (ambisonics, invalid) counts as no layout. Throws
  /// codec_error (invalid_argument) when channels < 1 or the map's size is neither 0 nor
  /// `channels`.
  stereo_downmix(int channels, const std::vector<int>& channel_map, surround_order order);

  /// Source channels per input frame.
  int channels() const noexcept { return channels_; }

  /// Gain of source channel `channel` (0-based) into the left (`side` 0) or right (`side`
  /// 1) output; 0 for an index out of range.
  float gain(int side, int channel) const noexcept;

  /// Converts `frames` input frames at `in` (channels() floats each) into 2 * `frames`
  /// floats at `out`. `in` and `out` must not overlap. Non-finite samples are not
  /// filtered here (the DSP deals with them).
  void apply(const float* in, std::int64_t frames, float* out) const noexcept;

private:
  int channels_ = 0;
  std::vector<float> left_;  ///< per-channel gains into the left output
  std::vector<float> right_; ///< per-channel gains into the right output
};

/// Reads up to `frames` frames of a downmix.channels()-channel source as stereo into
/// `stereo` (2 * `frames` floats) through `read(float* dst, std::int64_t frames)`, which
/// returns the frames it read: straight into `stereo` for a stereo source, else into
/// `scratch` (room for `frames` source frames) and through the downmix. Returns the frames
/// read.
template <class Read>
std::int64_t read_as_stereo(const stereo_downmix& downmix, Read&& read, std::int64_t frames,
                            float* stereo, float* scratch) {
  if (downmix.channels() == 2)
    return read(stereo, frames);
  const std::int64_t got = read(scratch, frames);
  downmix.apply(scratch, got, stereo);
  return got;
}

} // namespace auralis::codec
