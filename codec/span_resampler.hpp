#pragma once

#include <cstdint>
#include <functional>
#include <vector>

struct soxr; // libsoxr's resampler (soxr_t is `struct soxr *`)

namespace auralis::codec {

/// Resamples a stereo source onto the engine's 48 kHz timeline span by span with libsoxr
/// (HQ, linear phase), so that a span rendered on its own equals the same span of a
/// whole-signal rendering (measured about -130 dBFS peak difference, promised -120).
///
/// Grid: with g = gcd(source_rate, 48000), source frame k * step_in() is exactly 48 kHz
/// frame k * step_out() (step_in = source_rate / g, step_out = 48000 / g). Every soxr run
/// starts on a grid point, so its first output is a 48 kHz frame and all runs use the same
/// filter phases for the same frame. A run is given all its input at once and then
/// flushed; soxr then compensates its own delay, so output j of a run starting at source
/// frame s is at source time s + j * source_rate / 48000 exactly. Each run also takes
/// margin() source frames (at least 50 ms; 20 ms already gave about -130 dBFS at every
/// common rate) on both sides, so the filter sees the same input around every frame that
/// is kept.
///
/// soxr holds the ratio exactly only when its reduced denominator is small: step_out()
/// <= 1024 covers every common rate (8 k, 11.025 k, 16 k, 22.05 k, 32 k, 44.1 k, 88.2 k,
/// 96 k, 176.4 k, 192 k, ...). For other rates it accumulates the phase in fixed point
/// and long runs drift apart, so the timeline is then rendered in fixed segments of
/// segment_frames() frames, each one run with its own margins: a span alone and the whole
/// signal are then made of identical runs.
///
/// Memory: a render holds its source span (2 floats per source frame: the frames needed
/// plus margins, whole grid steps or segments; about 6.4 MB for 18 s at 44.1 kHz), kept for
/// the next render. soxr writes the requested frames straight into the caller's buffer;
/// the frames a run makes outside the span (its margins, and in segment mode the rest of
/// a segment the span only partly covers) go through a scratch buffer of 4096 frames
/// (32 KiB), a piece at a time, and are dropped. Besides these, soxr's own filter state and
/// buffers: the input goes to soxr 8192 source frames at a time, so they stay about that
/// size (given a whole 18 s run at once, soxr held 10-20 MB).
///
/// Not thread-safe: one instance per thread.
class span_resampler {
public:
  /// Supplies stereo source frames: writes 2 * `count` floats for source frames [first,
  /// first + count) to `dst`, zeros outside the track. May throw; the exception passes
  /// through render().
  using source_fn = std::function<void(std::int64_t first, std::int64_t count, float* dst)>;

  /// A resampler from `source_rate` Hz to 48 kHz. Throws codec_error (invalid_argument)
  /// when source_rate is not positive, (unsupported) when soxr rejects the ratio.
  explicit span_resampler(int source_rate);
  ~span_resampler();
  span_resampler(const span_resampler&) = delete;
  span_resampler& operator=(const span_resampler&) = delete;

  /// The source rate, Hz.
  int source_rate() const noexcept { return source_rate_; }
  /// Source frames per grid step.
  std::int64_t step_in() const noexcept { return step_in_; }
  /// 48 kHz frames per grid step.
  std::int64_t step_out() const noexcept { return step_out_; }
  /// Source frames each run takes before and after what it renders (whole grid steps).
  std::int64_t margin() const noexcept { return margin_steps_ * step_in_; }
  /// 48 kHz frames per fixed segment (a multiple of step_out(), about 10 s), or 0 when
  /// any span is rendered as one run.
  std::int64_t segment_frames() const noexcept { return segment_frames_; }

  /// Writes 48 kHz frames [first, first + count) of the resampled source as 2 * `count`
  /// interleaved stereo floats to `dst`. `first` may be negative; what the source gives
  /// there (zeros) is resampled like any other input. Calls `source` once, for one
  /// contiguous span: the frames needed plus margins, widened to whole grid steps (or
  /// whole segments). Writes nothing outside `dst`'s 2 * `count` floats; on an exception
  /// their contents are unspecified. Throws codec_error (decode_failed) when soxr fails,
  /// and whatever `source` throws. Does nothing for count <= 0.
  void render(std::int64_t first, std::int64_t count, float* dst, const source_fn& source);

private:
  /// One soxr run: `in_frames` source frames in, exactly `out_frames` 48 kHz frames out, of
  /// which frames [keep_first, keep_first + keep_count) are written to `keep` and the
  /// others dropped (through scratch_). keep_count may be 0.
  void run(const float* in, std::int64_t in_frames, std::int64_t out_frames,
           std::int64_t keep_first, std::int64_t keep_count, float* keep);

  int source_rate_ = 0;
  std::int64_t step_in_ = 1;
  std::int64_t step_out_ = 1;
  std::int64_t margin_steps_ = 1;   ///< margin in grid steps
  std::int64_t segment_frames_ = 0; ///< 0 = single-run mode
  soxr* soxr_ = nullptr;
  std::vector<float> in_;      ///< source span of the current render
  std::vector<float> scratch_; ///< output frames outside the span, dropped
};

} // namespace auralis::codec
