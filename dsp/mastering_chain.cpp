#include "dsp/mastering_chain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "dsp/pcm_converter.hpp"
#include "dsp/simd.hpp"

namespace auralis::dsp {

namespace {

using simd::v4sf;
using simd::v4si;

constexpr std::int64_t block = compressor::block_frames;
static_assert(compressor::block_frames == limiter::block_frames,
              "compressor and limiter share the control blocks");
// Frames per tile of the EQ and output passes (keeps a tile's buffers in L1).
constexpr std::int64_t tile = 1024;
static_assert(tile % block == 0, "tiles hold whole blocks");

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

double db_to_gain(double db) { return std::pow(10.0, db / 20.0); }

/// Flushes denormals to zero while alive (x86): IIR tails decaying into denormals would
/// otherwise cost a hundred times more per operation.
class denormals_off {
public:
#if defined(__SSE__)
  denormals_off() noexcept : csr_(_mm_getcsr()) { _mm_setcsr(csr_ | 0x8040u); }
  ~denormals_off() { _mm_setcsr(csr_); }

private:
  unsigned csr_;
#else
  denormals_off() noexcept = default;
#endif
};

void check_preset(const config::preset& p) {
  const double values[] = {p.eq_blend, p.dynamics_blend, p.target_lufs, p.peak_target_db};
  for (double v : values)
    if (!std::isfinite(v))
      throw std::invalid_argument("mastering_chain: preset '" + p.name +
                                  "' has a non-finite value");
}

} // namespace

mastering_chain::mastering_chain(const config::preset& preset, int rate)
  : preset_((check_preset(preset), preset)), rate_(rate), eq_(preset.eq, preset.eq_blend, rate),
    compressor_(preset.compressor, rate), limiter_(preset.limiter, preset.peak_target_db, rate),
    ceiling_(static_cast<float>(db_to_gain(preset.peak_target_db))),
    dynamics_blend_(static_cast<float>(std::clamp(preset.dynamics_blend, 0.0, 1.0))),
    lead_in_((static_cast<std::int64_t>(0.2 * rate) + block - 1) / block * block) {
  tile_a_.resize(2 * tile);
  tile_b_.resize(2 * tile);
  tile_x_.resize(2 * tile);
  tile_gain_.resize(2 * (tile + 2 * block));
  tile_out_.resize(2 * tile);
}

std::int64_t mastering_chain::postroll_frames() const noexcept {
  return block * (limiter_.lookahead_blocks() + 1);
}

std::int64_t mastering_chain::default_preroll_frames() const noexcept {
  return static_cast<std::int64_t>(default_preroll_seconds * rate_);
}

double mastering_chain::loudness_gain_db(double pre_gain_lufs) const noexcept {
  if (!std::isfinite(pre_gain_lufs))
    return 0;
  return std::clamp(preset_.target_lufs - pre_gain_lufs, min_loudness_gain_db,
                    max_loudness_gain_db);
}

void mastering_chain::render_pcm(const render_request& request, std::int16_t* out) {
  render(request, stage::output, nullptr, out);
}

void mastering_chain::render_float(const render_request& request, float* out) {
  render(request, stage::output, out, nullptr);
}

void mastering_chain::render_pre_gain(const render_request& request, float* out) {
  render(request, stage::pre_gain, out, nullptr);
}

void mastering_chain::render(const render_request& r, stage what, float* float_out,
                             std::int16_t* pcm_out) {
  if (r.input_frames < 0 || r.preroll_frames < 0 || r.output_frames < 0)
    throw std::invalid_argument("mastering_chain: negative frame count");
  if (r.input_frames > 0 && !r.input)
    throw std::invalid_argument("mastering_chain: input frames without input");
  if (r.output_frames > 0 && !float_out && !pcm_out)
    throw std::invalid_argument("mastering_chain: no output buffer");
  if (!(r.intensity >= 0 && r.intensity <= 1))
    throw std::invalid_argument("mastering_chain: intensity must be within 0..1");
  if (!std::isfinite(r.loudness_gain_db))
    throw std::invalid_argument("mastering_chain: loudness gain must be finite");
  if (r.start_frame > std::numeric_limits<std::int64_t>::max() / 4 ||
      r.start_frame < std::numeric_limits<std::int64_t>::min() / 4 ||
      r.output_frames > std::numeric_limits<std::int64_t>::max() / 4 ||
      r.preroll_frames > std::numeric_limits<std::int64_t>::max() / 4 ||
      r.input_frames > std::numeric_limits<std::int64_t>::max() / 4)
    throw std::invalid_argument("mastering_chain: frame position out of range");
  stats_ = {};
  if (r.output_frames == 0)
    return;
  denormals_off guard;
  const bool processed = what == stage::pre_gain || r.intensity > 0;
  if (processed) {
    const double gain_db =
      what == stage::output
        ? std::clamp(r.loudness_gain_db, min_loudness_gain_db, max_loudness_gain_db)
        : 0.0;
    region_first_ = floor_div(r.start_frame - r.preroll_frames, block) * block;
    const std::int64_t first_block = (r.start_frame - region_first_) / block;
    const std::int64_t last_block =
      floor_div(r.start_frame + r.output_frames - 1, block) - region_first_ / block;
    region_blocks_ = last_block + 1 + (what == stage::output ? limiter_.lookahead_blocks() : 0);
    const auto blocks = static_cast<std::size_t>(region_blocks_);
    if (eq_out_.size() < 2 * block * blocks)
      eq_out_.resize(2 * block * blocks);
    if (mean_square_.size() < blocks) {
      mean_square_.resize(blocks);
      block_peak_.resize(blocks);
    }
    if (gain_.size() < blocks + 1) {
      gain_.resize(blocks + 1);
      limit_gain_.resize(blocks + 1);
    }
    eq_pass(r);
    control_pass(what, static_cast<float>(db_to_gain(gain_db)), first_block, last_block);
    stats_.loudness_gain_db = gain_db;
  }
  output_pass(r, what, processed, float_out, pcm_out);
}

void mastering_chain::fetch(const render_request& r, std::int64_t first, std::int64_t frames,
                            std::int64_t lo, std::int64_t hi, float* out) const {
  const std::int64_t in_first = r.start_frame - r.preroll_frames;
  const std::int64_t from = std::max({first, lo, in_first});
  const std::int64_t to = std::min({first + frames, hi, in_first + r.input_frames});
  if (from >= to) {
    std::fill(out, out + 2 * frames, 0.0f);
    return;
  }
  std::fill(out, out + 2 * (from - first), 0.0f);
  simd::sanitise_copy(r.input + 2 * (from - in_first), out + 2 * (from - first), 2 * (to - from));
  std::fill(out + 2 * (to - first), out + 2 * frames, 0.0f);
}

void mastering_chain::commit(const float* in, std::int64_t first, std::int64_t frames,
                             std::int64_t lo, std::int64_t hi) {
  const std::int64_t from = std::max(first, lo);
  const std::int64_t to = std::min(first + frames, hi);
  for (std::int64_t f = from; f < to; f += block) {
    const float* src = in + 2 * (f - first);
    float* dst = eq_out_.data() + 2 * (f - region_first_);
    v4sf squares{}, peak{};
    for (int k = 0; k < 2 * block; k += 4) {
      const v4sf v = simd::load(src + k);
      squares += v * v;
      peak = simd::max(peak, simd::abs(v));
      simd::store(dst + k, v);
    }
    const auto j = static_cast<std::size_t>((f - region_first_) / block);
    mean_square_[j] = simd::hsum(squares) * (1.0f / (2 * block));
    block_peak_[j] = simd::hmax(peak);
  }
}

void mastering_chain::eq_pass(const render_request& r) {
  // The EQ is the costly part and its state settles within lead_in_ frames, so a long
  // region runs as two halves side by side in the vector lanes: [a0, mid) and
  // [mid - lead_in_, a1), whose first lead_in_ frames only settle the filters.
  const std::int64_t length = region_blocks_ * block;
  const std::int64_t a0 = region_first_;
  const std::int64_t a1 = a0 + length;
  const bool split = length >= 8 * lead_in_;
  const std::int64_t mid = split ? a0 + (length + lead_in_) / 2 / block * block : a1;
  const std::int64_t b0 = mid - lead_in_;
  const std::int64_t steps = split ? std::max(mid - a0, a1 - b0) : length;
  eq_.reset();
  for (std::int64_t t = 0; t < steps; t += tile) {
    const std::int64_t n = std::min(tile, steps - t);
    fetch(r, a0 + t, n, a0, mid, tile_a_.data());
    if (split) {
      fetch(r, b0 + t, n, b0, a1, tile_b_.data());
      eq_.process_pair(tile_a_.data(), tile_a_.data(), tile_b_.data(), tile_b_.data(), n);
      commit(tile_a_.data(), a0 + t, n, a0, mid);
      commit(tile_b_.data(), b0 + t, n, mid, a1);
    } else {
      eq_.process(tile_a_.data(), tile_a_.data(), n);
      commit(tile_a_.data(), a0 + t, n, a0, a1);
    }
  }
}

void mastering_chain::control_pass(stage what, float loudness_gain, std::int64_t first_block,
                                   std::int64_t last_block) {
  const std::int64_t blocks = region_blocks_;
  const float wet = dynamics_blend_;
  const float dry = 1 - wet;
  compressor_.reset();
  gain_[0] = loudness_gain * (dry + wet);
  float compressor_min = 1;
  for (std::int64_t j = 0; j < blocks; ++j) {
    const float blended = dry + wet * compressor_.next_gain(mean_square_[j]);
    gain_[j + 1] = loudness_gain * blended;
    if (j + 1 >= first_block && j <= last_block)
      compressor_min = std::min(compressor_min, blended);
  }
  stats_.compressor_min_gain_db = 20 * std::log10(static_cast<double>(compressor_min));
  if (what != stage::output) {
    std::fill(limit_gain_.begin(), limit_gain_.begin() + blocks + 1, 1.0f);
    return;
  }
  limiter_.reset();
  const std::int64_t k = limiter_.lookahead_blocks();
  for (std::int64_t j = 0; j < blocks; ++j) {
    const float peak = block_peak_[j] * std::max(gain_[j], gain_[j + 1]);
    const float g = limiter_.push(peak);
    if (j + 1 - k >= 0)
      limit_gain_[j + 1 - k] = g;
  }
  float limiter_min = 1;
  double before = 0, after = 0;
  for (std::int64_t j = first_block; j <= last_block; ++j) {
    limiter_min = std::min({limiter_min, limit_gain_[j], limit_gain_[j + 1]});
    const double g = 0.5 * (static_cast<double>(gain_[j]) + gain_[j + 1]);
    const double l = 0.5 * (static_cast<double>(limit_gain_[j]) + limit_gain_[j + 1]);
    before += mean_square_[j] * g * g;
    after += mean_square_[j] * g * g * l * l;
  }
  stats_.limiter_min_gain_db = 20 * std::log10(static_cast<double>(limiter_min));
  stats_.limiter_loss_db = after > 0 ? 10 * std::log10(before / after) : 0.0;
}

void mastering_chain::output_pass(const render_request& r, stage what, bool processed,
                                  float* float_out, std::int16_t* pcm_out) {
  const float intensity = static_cast<float>(r.intensity);
  const v4sf vi = simd::splat(intensity);
  const float c = what == stage::output ? ceiling_ : std::numeric_limits<float>::max();
  const v4sf hi = simd::splat(c), lo = simd::splat(-c);
  const auto clip = [&](float v) { return v < -c ? -c : (v > c ? c : v); };
  const v4sf ramp[4] = {v4sf{0, 1, 2, 3} / 16.0f, v4sf{4, 5, 6, 7} / 16.0f,
                        v4sf{8, 9, 10, 11} / 16.0f, v4sf{12, 13, 14, 15} / 16.0f};
  pcm_converter converter(r.dither_seed, r.start_frame);
  for (std::int64_t t = 0; t < r.output_frames; t += tile) {
    const std::int64_t n = std::min(tile, r.output_frames - t);
    const std::int64_t first = r.start_frame + t;
    const std::int64_t floats = 2 * n;
    float* out = float_out ? float_out + 2 * t : tile_out_.data();
    float* x = tile_x_.data();
    if (!processed || intensity < 1)
      fetch(r, first, n, std::numeric_limits<std::int64_t>::min(),
            std::numeric_limits<std::int64_t>::max(), x);
    if (!processed) {
      std::int64_t i = 0;
      for (; i + 4 <= floats; i += 4)
        simd::store(out + i, simd::min(simd::max(simd::load(x + i), lo), hi));
      for (; i < floats; ++i)
        out[i] = clip(x[i]);
    } else {
      // Per-frame gain (compressor x loudness x limiter), duplicated for both channels,
      // over the whole blocks that cover the tile.
      const std::int64_t rel = first - region_first_;
      const std::int64_t jb = rel / block;
      const std::int64_t je = (rel + n - 1) / block;
      float* gains = tile_gain_.data();
      for (std::int64_t j = jb; j <= je; ++j) {
        const float g0 = gain_[j], dg = gain_[j + 1] - g0;
        const float l0 = limit_gain_[j], dl = limit_gain_[j + 1] - l0;
        float* dst = gains + 2 * block * (j - jb);
        for (int q = 0; q < 4; ++q) {
          const v4sf v = (g0 + dg * ramp[q]) * (l0 + dl * ramp[q]);
          simd::store(dst + 8 * q, __builtin_shuffle(v, v4si{0, 0, 1, 1}));
          simd::store(dst + 8 * q + 4, __builtin_shuffle(v, v4si{2, 2, 3, 3}));
        }
      }
      const float* g = gains + 2 * (rel - jb * block);
      const float* e = eq_out_.data() + 2 * rel;
      std::int64_t i = 0;
      if (what == stage::pre_gain) {
        for (; i + 4 <= floats; i += 4)
          simd::store(out + i, simd::load(e + i) * simd::load(g + i));
        for (; i < floats; ++i)
          out[i] = e[i] * g[i];
      } else if (intensity == 1) {
        for (; i + 4 <= floats; i += 4)
          simd::store(out + i, simd::min(simd::max(simd::load(e + i) * simd::load(g + i), lo), hi));
        for (; i < floats; ++i)
          out[i] = clip(e[i] * g[i]);
      } else {
        for (; i + 4 <= floats; i += 4) {
          const v4sf xv = simd::load(x + i);
          const v4sf v = xv + vi * (simd::load(e + i) * simd::load(g + i) - xv);
          simd::store(out + i, simd::min(simd::max(v, lo), hi));
        }
        for (; i < floats; ++i)
          out[i] = clip(x[i] + intensity * (e[i] * g[i] - x[i]));
      }
    }
    if (pcm_out)
      converter.convert(out, pcm_out + 2 * t, n);
  }
}

} // namespace auralis::dsp
