#pragma once

#include <cstdint>
#include <vector>

namespace auralis::dsp {

/// ITU-R BS.1770-4 integrated loudness of several stereo programmes of the same length
/// measured side by side, for the track analysis (the source and every preset's pre-gain
/// signal, frame by frame in timeline order). It computes what libebur128's integrated
/// loudness does (K-weighting, 100 ms sub-blocks, 400 ms blocks every 100 ms, the -70 LUFS
/// absolute and -10 LU relative gates; a trailing part shorter than 100 ms is not measured),
/// agreeing with loudness_meter to within 0.01 LU, but filters every channel of every
/// programme in one pass of vector lanes, about ten times faster than one libebur128 state
/// per programme. NaN and +-Inf samples are measured as 0. Not thread-safe.
class loudness_bank {
public:
  /// A bank of `programmes` stereo programmes at `rate` Hz. Throws std::invalid_argument
  /// when programmes < 1 or the rate is outside 8 kHz..384 kHz.
  loudness_bank(int programmes, int rate);

  /// Number of programmes.
  int programmes() const noexcept { return programmes_; }

  /// Adds the next `frames` frames of every programme: `interleaved[p]` holds 2 * frames
  /// floats of programme p (left, right). Throws std::invalid_argument for frames < 0.
  void add(const float* const* interleaved, std::int64_t frames);

  /// Integrated loudness of programme `p` over everything added so far, LUFS; -infinity
  /// when no block passes the absolute gate (silence, or less than 400 ms added). Throws
  /// std::out_of_range for a programme outside 0 .. programmes() - 1.
  double integrated_lufs(int p) const;

  /// The mean squares (both channels, K-weighted) of programme `p`'s complete 100 ms
  /// sub-blocks so far, in order. Series of consecutive stretches of a programme, each
  /// measured from a sub-block boundary after the K-weighting has settled, concatenate
  /// into the series of the whole (see loudness_analyser::measure_part). Throws
  /// std::out_of_range for a programme outside 0 .. programmes() - 1.
  const std::vector<double>& sub_blocks(int p) const;

  /// Integrated loudness of a series of 100 ms sub-block mean squares, LUFS, gated as
  /// integrated_lufs() is; -infinity when no 400 ms block passes the absolute gate.
  static double integrated_lufs(const std::vector<double>& sub_blocks);

  /// Frames in a 100 ms sub-block at this rate (as libebur128 rounds).
  std::int64_t sub_block_frames() const noexcept { return sub_block_frames_; }

private:
  /// K-weights `frames` (at most one block) lane-major frames of frames_ in place and adds
  /// their squares to acc_.
  void run(std::int64_t frames);

  int programmes_ = 0;
  int lanes_ = 0;                     ///< 2 * programmes, padded to a multiple of 4
  std::int64_t sub_block_frames_ = 0; ///< frames in 100 ms
  std::int64_t in_sub_block_ = 0;     ///< frames of the running sub-block so far
  float b_[2][3] = {};                ///< K-weighting: pre-filter, then RLB high-pass
  float a_[2][2] = {};                ///< feedback coefficients a1, a2 of each stage
  std::vector<float> z_;              ///< per group of 4 lanes: z1, z2 of each stage (16 floats)
  std::vector<float> acc_;            ///< per lane: sum of squares since the last block boundary
  std::vector<float> frames_;         ///< lane-major input, block x lanes
  std::vector<double> energy_;        ///< running sub-block sum of squares per lane
  std::vector<std::vector<double>> sub_blocks_; ///< per programme: mean square per 100 ms
};

} // namespace auralis::dsp
