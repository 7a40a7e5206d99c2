#include "codec/span_resampler.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include <soxr.h>

#include "codec/audio_source.hpp"
#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

/// Largest reduced 48 kHz step for which soxr keeps the ratio exact (it searches
/// denominators up to 2048 after its own pre-stages, which may double them).
constexpr std::int64_t max_exact_step_out = 1024;

/// Length of one fixed segment when the ratio is not exact, 48 kHz frames (10 s).
constexpr std::int64_t segment_target_frames = 480000;

/// Frames of the scratch buffer that takes a run's output outside the requested span.
constexpr std::int64_t scratch_frames = 4096;

/// Source frames handed to soxr per call. soxr copies all the input it is given into its
/// own buffers (and each of its stages buffers its output likewise), so a run fed whole
/// would make it hold several copies of the run; fed in blocks, it holds about a block.
/// The output does not depend on how the input is cut into calls.
constexpr std::int64_t input_block_frames = 8192;

/// floor(a / b) for b > 0.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// ceil(a / b) for b > 0.
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

} // namespace

span_resampler::span_resampler(int source_rate) : source_rate_(source_rate) {
  if (source_rate <= 0)
    throw codec_error(codec_errc::invalid_argument,
                      "resampler: source rate " + std::to_string(source_rate) + " Hz");
  const std::int64_t g = std::gcd<std::int64_t, std::int64_t>(source_rate, engine_rate);
  step_in_ = source_rate / g;
  step_out_ = engine_rate / g;
  // 50 ms of source on each side, in whole grid steps.
  margin_steps_ = std::max<std::int64_t>(1, ceil_div(ceil_div(source_rate, 20), step_in_));
  if (step_out_ > max_exact_step_out)
    segment_frames_ = step_out_ * std::max<std::int64_t>(1, segment_target_frames / step_out_);

  soxr_error_t err = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_ = soxr_create(source_rate, engine_rate, 2, &err, &io, &quality, &runtime);
  if (err || !soxr_) {
    soxr_delete(soxr_);
    throw codec_error(codec_errc::unsupported,
                      "resampler: " + std::to_string(source_rate) + " Hz to 48 kHz rejected (" +
                        (err ? err : "no resampler") + ")");
  }
}

span_resampler::~span_resampler() { soxr_delete(soxr_); }

void span_resampler::render(std::int64_t first, std::int64_t count, float* dst,
                            const source_fn& source) {
  if (count <= 0)
    return;
  const std::int64_t last = first + count; // exclusive
  // Each run covers 48 kHz frames [run_first, run_first + run_frames) (grid-aligned),
  // fed from source frames starting margin() earlier.
  std::int64_t run_first = 0, run_frames = 0, runs = 1;
  if (segment_frames_ == 0) {
    run_first = floor_div(first, step_out_) * step_out_;
    run_frames = ceil_div(last, step_out_) * step_out_ - run_first;
  } else {
    run_first = floor_div(first, segment_frames_) * segment_frames_;
    run_frames = segment_frames_;
    runs = ceil_div(last - run_first, segment_frames_);
  }
  const std::int64_t steps_per_run = run_frames / step_out_;
  const std::int64_t in_per_run = (steps_per_run + 2 * margin_steps_) * step_in_;
  const std::int64_t out_per_run = (steps_per_run + 2 * margin_steps_) * step_out_;
  const std::int64_t src_first = (run_first / step_out_ - margin_steps_) * step_in_;
  const std::int64_t src_frames = ((runs * run_frames) / step_out_ + 2 * margin_steps_) * step_in_;

  in_.resize(static_cast<std::size_t>(src_frames) * 2);
  source(src_first, src_frames, in_.data());

  for (std::int64_t r = 0; r < runs; ++r) {
    const std::int64_t seg_first = run_first + r * run_frames;
    const float* in = in_.data() + 2 * (r * steps_per_run * step_in_);
    // Output frame 0 of the run is 48 kHz frame seg_first - margin_steps_ * step_out_; the
    // run's frames in [first, last) go straight to their place in dst.
    const std::int64_t out_origin = seg_first - margin_steps_ * step_out_;
    const std::int64_t a = std::max(first, seg_first);
    const std::int64_t b = std::min(last, seg_first + run_frames);
    run(in, in_per_run, out_per_run, a - out_origin, std::max<std::int64_t>(0, b - a),
        dst + 2 * (a - first));
  }
}

void span_resampler::run(const float* in, std::int64_t in_frames, std::int64_t out_frames,
                         std::int64_t keep_first, std::int64_t keep_count, float* keep) {
  auto fail = [this](const char* what) {
    return codec_error(codec_errc::decode_failed,
                       "resampler " + std::to_string(source_rate_) + " Hz: " + what);
  };
  if (soxr_error_t err = soxr_clear(soxr_))
    throw fail(err);
  if (scratch_.empty())
    scratch_.resize(static_cast<std::size_t>(scratch_frames) * 2);
  const std::int64_t keep_end = keep_first + keep_count;
  // Where output frame `pos` goes, and how many frames from there on may go to the same
  // place: kept frames to `keep`, all others to the scratch buffer, a piece at a time.
  // soxr's results do not depend on how its output is cut into calls.
  auto target = [&](std::int64_t pos, float*& to, std::size_t& room) {
    if (pos >= keep_first && pos < keep_end) {
      to = keep + 2 * (pos - keep_first);
      room = static_cast<std::size_t>(keep_end - pos);
    } else {
      const std::int64_t stop = pos < keep_first ? keep_first : out_frames;
      to = scratch_.data();
      room = static_cast<std::size_t>(std::min(stop - pos, scratch_frames));
    }
  };
  std::int64_t in_done = 0, out_done = 0;
  while (in_done < in_frames && out_done < out_frames) {
    float* to = nullptr;
    std::size_t room = 0, i = 0, o = 0;
    target(out_done, to, room);
    const auto give = std::min(in_frames - in_done, input_block_frames);
    if (soxr_error_t err = soxr_process(soxr_, in + 2 * in_done, static_cast<std::size_t>(give),
                                        &i, to, room, &o))
      throw fail(err);
    in_done += static_cast<std::int64_t>(i);
    out_done += static_cast<std::int64_t>(o);
    if (i == 0 && o == 0)
      break;
  }
  // End of input: soxr drains its filter, which also completes the delay compensation.
  while (out_done < out_frames) {
    float* to = nullptr;
    std::size_t room = 0, o = 0;
    target(out_done, to, room);
    if (soxr_error_t err = soxr_process(soxr_, nullptr, 0, nullptr, to, room, &o))
      throw fail(err);
    if (o == 0)
      break;
    out_done += static_cast<std::int64_t>(o);
  }
  if (in_done != in_frames || out_done != out_frames)
    throw fail("run produced a different number of frames than the ratio gives");
}

} // namespace auralis::codec
