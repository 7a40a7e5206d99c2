#pragma once

#include <cstdint>
#include <vector>

#include "config/preset.hpp"
#include "dsp/compressor.hpp"
#include "dsp/equalizer.hpp"
#include "dsp/limiter.hpp"
#include "dsp/simd.hpp"

namespace auralis::dsp {

/// One chunk to render: the source around it and how to process it.
///
/// input[0] is timeline frame start_frame - preroll_frames; the input holds input_frames
/// interleaved stereo float frames at the chain's rate. Timeline frames outside the input
/// count as silence (as audio_source reads them before the start and after the end of a
/// track). The output is timeline frames [start_frame, start_frame + output_frames).
struct render_request {
  const float* input = nullptr;    ///< interleaved stereo float source span
  std::int64_t input_frames = 0;   ///< frames at `input`, >= 0
  std::int64_t preroll_frames = 0; ///< frames of `input` before the first output frame, >= 0
  std::int64_t output_frames = 0;  ///< frames to produce, >= 0
  std::int64_t start_frame = 0;    ///< timeline frame of the first output frame (any value)
  double intensity = 1;            ///< 0 = the untouched source .. 1 = the full chain
  double loudness_gain_db = 0;   ///< the track's loudness gain for this preset (loudness_gain_db())
  std::uint64_t dither_seed = 0; ///< dither key for render_pcm (e.g. a hash of track and preset)
};

/// What the last render did, over its output frames (all 0 before the first render and for
/// renders that skip the processing: intensity 0 or no output frames).
struct render_stats {
  double loudness_gain_db = 0;       ///< gain applied, dB (after clamping)
  double compressor_min_gain_db = 0; ///< deepest compressor gain incl. dynamics_blend, dB (<= 0)
  double limiter_min_gain_db = 0;    ///< deepest limiter gain, dB (<= 0; 0 = never limited)
  double limiter_loss_db = 0;        ///< energy the limiter took away, dB (>= 0, block estimate)
};

/// The mastering chain of one preset, rendering any chunk of a track on its own so that
/// chunks rendered independently, in any order, join into the same signal as one
/// continuous render (to float rounding).
///
/// Chain, per frame of the 48 kHz (or `rate`) timeline:
///  1. source sanitising: NaN/Inf -> 0, magnitudes clamped to 64 (+36 dBFS);
///  2. 5-band EQ (equalizer) mixed with the dry signal by eq_blend;
///  3. feed-forward compressor (compressor), parallel-mixed by dynamics_blend:
///     y = e * ((1 - d) + d * g);
///  4. loudness gain (constant for the whole track, see loudness_gain_db());
///  5. lookahead limiter (limiter) with the preset's threshold and release and the ceiling
///     peak_target_db as a TRUE peak (ITU-R BS.1770-4): its detector reads the block true
///     peaks of the EQ output (true_peak_detector: 4x oversampled, the interpolator of
///     libebur128's meter) times the largest compressor and loudness gain at the block's
///     ends, aiming true_peak_margin_db below the ceiling;
///  6. intensity crossfade: out = (1 - i) * source + i * limited (i = 1 and 0 are exact);
///  7. safety clip at the ceiling (only bites when the source itself is hotter than the
///     ceiling and i < 1): the output sample peak never exceeds peak_target_db;
///  8. (render_pcm) 16-bit PCM with TPDF dither (pcm_converter), keyed by dither_seed and
///     the timeline frame.
///
/// True-peak promise (measured with libebur128, EBUR128_MODE_TRUE_PEAK): at intensity 1
/// the output's true peak stays at or below peak_target_db for any source (float output;
/// the 16-bit output adds its dither, at most 2 LSB through the interpolator). Below 1 the
/// crossfade's true peak is at most (1 - i) * (the source's true peak) + i * ceiling, so
/// the promise holds for every intensity whenever the source's own true peak is within the
/// ceiling; intensity 0 is the source itself (untouched unless its samples exceed the
/// ceiling). A source hotter than the ceiling keeps, below intensity 1, only the sample
/// ceiling of the safety clip; its true peak may exceed the ceiling by up to the source's
/// excess times 1 - i, plus what the clip's corners overshoot.
///
/// Control-rate work (compressor and limiter gains) happens at block boundaries of 16
/// frames aligned to the timeline (frame % 16 == 0), with linear interpolation between
/// them, so every chunk sees the same decisions as a continuous render.
///
/// Seamless-chunk contract: processing state at any frame is a function of the source
/// before it; a render starts from the silence state at input[0], so a pre-roll of
/// default_preroll_frames() makes the first output frame match a continuous render. The
/// pre-roll is per preset (preroll_seconds(): 12 time constants of the slowest smoothing,
/// at most 3 s): the compressor envelope error shrinks at least by the release (or the
/// slower attack) coefficient per block and the limiter's by its release, while the EQ
/// settles within 20 ms. The limiter looks postroll_frames() ahead: give that many frames
/// after the chunk (or the track end) for its last frames to match. A continuous render is
/// one request over the whole track from frame 0 without pre-roll; chunk 0's pre-roll of
/// zeros before the track start is that same silence state. Measured on the demo tracks and
/// recorded speech at each preset's pre-roll: chunked and continuous renders differ by less
/// than -90 dBFS (float rounding; the EQ runs segments of a long render side by side, four
/// with AVX2 and two otherwise, each settling for 200 ms first). The work buffers hold
/// about 8 bytes per output frame plus 2 per rendered frame (pre-roll included): 7 MB for
/// a 15 s chunk with 3 s pre-roll.
///
/// Kernels: the chain uses AVX2 and FMA where the machine runs them (chosen at run time;
/// see the constructor), otherwise portable four-lane vectors. The two differ by float
/// rounding (below -90 dBFS), so chunks of one track should be rendered on machines of one
/// kind; the PCM dither is the same on both.
///
/// Not thread-safe: one chain per thread (it keeps its work buffers between renders, so a
/// render allocates nothing once the buffers have grown to the largest chunk). The dither
/// noise is indexed by timeline frame, so dither_seed should identify the track and preset,
/// not the chunk.
class mastering_chain {
public:
  /// Longest pre-roll a preset gets, seconds (default_preroll_frames()).
  static constexpr double default_preroll_seconds = 3.0;
  /// Pre-roll in time constants of the slowest smoothing of the preset (see preroll_seconds()).
  static constexpr double preroll_time_constants = 12.0;
  /// Pre-roll added for the EQ, the limiter lookahead and the block grid, seconds.
  static constexpr double preroll_settle_seconds = 0.05;
  /// Cap of the loudness gain, dB (near-silent tracks are not pushed further).
  static constexpr double max_loudness_gain_db = 12.0;
  /// Floor of the loudness gain, dB.
  static constexpr double min_loudness_gain_db = -60.0;
  /// The limiter aims this far below the ceiling, dB: the interpolated value between two
  /// samples reads samples up to 6 frames away, whose gains (compressor, loudness, limiter
  /// ramps) differ slightly from the gain at the peak. Measured on noise clipped at +12 dBFS
  /// through the bright preset: 0.0003 dB over without it.
  static constexpr double true_peak_margin_db = 0.01;

  /// Builds the chain for `preset` at `rate` Hz (> 16 kHz). `use` picks the kernels: the
  /// best this machine runs by default (simd::isa::generic gives the portable ones, which
  /// differ by float rounding). Throws std::invalid_argument for a bad rate or non-finite
  /// preset values.
  explicit mastering_chain(const config::preset& preset, int rate = 48000,
                           simd::isa use = simd::best_isa());

  /// The preset this chain renders.
  const config::preset& preset() const noexcept { return preset_; }

  /// Sample rate, Hz.
  int rate() const noexcept { return rate_; }

  /// Frames after the last output frame the limiter looks at (16 * (K + 2), 272 at 48 kHz):
  /// its lookahead of K blocks, the block grid, and a block for the true-peak interpolator.
  std::int64_t postroll_frames() const noexcept;

  /// Pre-roll that makes a chunk match a continuous render, seconds: preroll_time_constants
  /// times the slowest of the compressor attack and release and the limiter release, plus
  /// preroll_settle_seconds, at most default_preroll_seconds (1.25 s for a 100 ms release,
  /// 3 s from a 246 ms release up).
  double preroll_seconds() const noexcept;

  /// preroll_seconds() in frames (rounded up): the pre-roll to give a chunk.
  std::int64_t default_preroll_frames() const noexcept;

  /// The loudness gain for a track whose pre-gain loudness (loudness_analyser: after this
  /// preset's EQ and compressor) is `pre_gain_lufs`: target_lufs - pre_gain_lufs, clamped
  /// to [min_loudness_gain_db, max_loudness_gain_db]. A silent track (-inf or NaN LUFS) gets
  /// 0 dB: there is nothing to normalise.
  double loudness_gain_db(double pre_gain_lufs) const noexcept;

  /// Renders request.output_frames frames of 16-bit PCM (interleaved stereo, 2 * frames
  /// values) into `out`. Throws std::invalid_argument for a malformed request (negative
  /// counts, missing input, intensity outside 0..1 or non-finite values).
  void render_pcm(const render_request& request, std::int16_t* out);

  /// As render_pcm, but the float signal before dither (interleaved stereo), each sample
  /// within +-10^(peak_target_db / 20).
  void render_float(const render_request& request, float* out);

  /// Stages 1-3 only (EQ and compressor, no loudness gain, limiter, intensity or clip):
  /// the signal whose integrated loudness the loudness gain normalises. Intensity and
  /// loudness gain of the request are ignored; no post-roll is needed.
  void render_pre_gain(const render_request& request, float* out);

  /// Figures of the last render.
  const render_stats& last_stats() const noexcept { return stats_; }

private:
  enum class stage {
    pre_gain, ///< EQ and compressor only
    output    ///< the whole chain
  };

  void render(const render_request& request, stage what, float* float_out, std::int16_t* pcm_out);
  void eq_pass(const render_request& request);
  void control_pass(stage what, float loudness_gain, std::int64_t first_block,
                    std::int64_t last_block);
  void output_pass(const render_request& request, stage what, bool processed, float* float_out,
                   std::int16_t* pcm_out);
  void fetch(const render_request& request, std::int64_t first, std::int64_t frames,
             std::int64_t lo, std::int64_t hi, float* tile) const;
  void commit(const float* tile, std::int64_t first, std::int64_t frames, std::int64_t lo,
              std::int64_t hi);
  void block_stats(const float* tile, std::int64_t first, std::int64_t frames, std::int64_t lo,
                   std::int64_t hi);

  config::preset preset_;
  int rate_;
  simd::isa isa_;
  equalizer eq_;
  compressor compressor_;
  limiter limiter_;
  float ceiling_;        // linear
  float true_peak_headroom_; // linear, true_peak_margin_db
  float dynamics_blend_; // 0..1
  std::int64_t lead_in_; // EQ settling frames of every segment but the first (eq_pass)
  render_stats stats_;

  // Work area of one render. Region = [region_first_, region_first_ + blocks * 16), the
  // frames whose EQ output, block statistics and gains the render needs.
  std::int64_t region_first_ = 0;
  std::int64_t region_blocks_ = 0;
  bool true_peaks_ = false;        // this render measures block true peaks (whole chain)
  float skip_reach_ = 0;           // blocks within this need no true peak (render())
  std::int64_t eq_first_ = 0;      // first frame of eq_out_ (first output block)
  std::int64_t eq_end_ = 0;        // frame after eq_out_ (end of the last output block)
  std::vector<float> eq_out_;      // EQ output over the output blocks, interleaved stereo
  std::vector<float> mean_square_; // per block: mean square of the EQ output (both channels)
  std::vector<float> block_peak_;  // per block: true peak of the EQ output (sample peak for
                                   // render_pre_gain); the control pass turns it
                                   // into the limiter input and then its gain points
  std::vector<float> gain_;        // per boundary: compressor * loudness gain
  std::vector<float> limit_gain_;  // per boundary: limiter gain
  std::vector<float> tile_eq_[4]; // per EQ segment: history (2 blocks), then one tile in place
  std::vector<float> tile_x_, tile_gain_, tile_out_;
};

} // namespace auralis::dsp
