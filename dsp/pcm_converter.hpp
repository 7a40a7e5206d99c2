#pragma once

#include <cstdint>

#include "dsp/simd.hpp"

namespace auralis::dsp {

/// Float to interleaved 16-bit PCM with TPDF dither.
///
/// Sample s (stereo frame `frame` on the track's timeline, channel c) becomes
///   round(clamp(x * full_scale + d, -32768, 32767))   (to nearest, ties to even),
/// d = dither(seed, frame, c): triangular noise of +-1 LSB peak (the sum of two 16-bit
/// uniforms, zero mean). The uniforms come from xorshift32 generators, four per block of
/// grid_frames frames aligned to the timeline, each seeded by a hash of (seed, block,
/// lane); so the noise is a pure function of (seed, frame, channel): a chunk converted on
/// its own gives the same bytes as the same frames inside a longer conversion, and a
/// re-render gives identical bytes. NaN and +-Inf convert as 0 (plus dither).
///
/// An object converts consecutive spans of one stream (keeping the generator between
/// calls); the static convert() does a single span.
class pcm_converter {
public:
  /// Scale from float (+-1.0) to 16-bit codes.
  static constexpr float full_scale = 32767.0f;
  /// Frames per dither generator block (timeline-aligned).
  static constexpr std::int64_t grid_frames = 512;

  /// A converter whose next frame is timeline frame `first_frame` (any value).
  pcm_converter(std::uint64_t seed, std::int64_t first_frame) noexcept;

  /// Converts the next `frames` interleaved stereo frames from `in` to `out` (2 * frames
  /// values) and advances by `frames`.
  void convert(const float* in, std::int16_t* out, std::int64_t frames) noexcept;

  /// Timeline frame the next convert() starts at.
  std::int64_t next_frame() const noexcept { return next_; }

  /// Converts `frames` frames whose first is timeline frame `first_frame`.
  static void convert(const float* in, std::int16_t* out, std::int64_t frames,
                      std::int64_t first_frame, std::uint64_t seed) noexcept;

  /// The dither for one sample, in LSB: a value in (-1, 1). (Steps a generator from the
  /// start of the sample's grid block: for tests, not for bulk use.)
  static float dither(std::uint64_t seed, std::int64_t frame, int channel) noexcept;

  /// The generator states grid block `block` starts from, for kernels that make the codes
  /// of whole grid blocks themselves (the mastering chain's output pass) and must give the
  /// bytes convert() gives. Lane l serves channel l % 2 of the even (l < 2) or odd (l >= 2)
  /// frame of each frame pair; frame pair p of the block (its frames 2p and 2p + 1) takes
  /// the states s after p + 1 xorshift32 steps (s ^= s << 13, s ^= s >> 17, s ^= s << 5 on
  /// every lane), and its dither is ((s & 0xffff) + (s >> 16) - 65535) * 2^-16 LSB.
  static simd::v4su grid_state(std::uint64_t seed, std::int64_t block) noexcept;

private:
  // Moves the generator to `steps` steps into grid block `block` (reseeding when the block
  // changes or the generator is past that point).
  void seek(std::int64_t block, std::int64_t steps) noexcept;

  std::uint32_t key_;
  std::int64_t next_;
  std::int64_t block_; // grid block the generator is in
  std::int64_t steps_; // steps taken in that block
  simd::v4su state_{};
};

} // namespace auralis::dsp
