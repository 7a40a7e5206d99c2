#include "dsp/mastering_chain.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AURALIS_CHAIN_WIDE 1
#endif

#include "dsp/pcm_converter.hpp"
#include "dsp/simd.hpp"
#include "dsp/true_peak_detector.hpp"

namespace auralis::dsp {

namespace {

using simd::v4sf;

constexpr std::int64_t block = compressor::block_frames;
static_assert(compressor::block_frames == limiter::block_frames,
              "compressor and limiter share the control blocks");
// Frames per tile of the EQ and output passes (keeps a tile's buffers in L1).
constexpr std::int64_t tile = 1024;
static_assert(tile % block == 0, "tiles hold whole blocks");
// Frames per segment tile of the EQ pass (four segments side by side stay in L1).
constexpr std::int64_t eq_tile = 512;
static_assert(eq_tile % block == 0, "EQ tiles hold whole blocks");
static_assert(tile % (2 * pcm_converter::grid_frames) == 0,
              "timeline-aligned output tiles hold whole pairs of dither grid blocks");
static_assert(true_peak_detector::block_frames == block, "true peaks per control block");
// Frames kept in front of every EQ tile: the end of the segment's previous tile, which the
// true-peak interpolator of the blocks at the tile's start reads.
constexpr std::int64_t tile_history = 2 * block;
static_assert(tile_history >= block + true_peak_detector::history_frames &&
                true_peak_detector::lookahead_frames <= block,
              "a block's true peak reads at most the block before and the block after it");

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

#if defined(AURALIS_CHAIN_WIDE)
__attribute__((target("avx"))) void zero_upper_halves() noexcept { _mm256_zeroupper(); }
#endif

/// Zeroes the upper halves of the YMM registers when it ends, if the AVX2 kernels may
/// have run. The compiler does so before each return of an AVX2 function, but not before
/// a tail jump out of one (GCC 12 made apply_gains_wide's call to apply_gains one): left in
/// use, they make every later SSE instruction on the thread (libopus, libsoxr, FLAC on a
/// worker) pay a transition penalty; an L3 decode after a render took a quarter longer.
class upper_halves_cleared {
public:
  explicit upper_halves_cleared(bool wide) noexcept : wide_(wide) {}
  upper_halves_cleared(const upper_halves_cleared&) = delete;
  upper_halves_cleared& operator=(const upper_halves_cleared&) = delete;
  ~upper_halves_cleared() {
#if defined(AURALIS_CHAIN_WIDE)
    if (wide_)
      zero_upper_halves();
#endif
  }

private:
  [[maybe_unused]] bool wide_;
};

void check_preset(const config::preset& p) {
  const double values[] = {p.eq_blend, p.dynamics_blend, p.target_lufs, p.peak_target_db};
  for (double v : values)
    if (!std::isfinite(v))
      throw std::invalid_argument("mastering_chain: preset '" + p.name +
                                  "' has a non-finite value");
}

/// How the output pass combines the EQ output e, the per-sample gain g and the source x.
enum class mix {
  pre_gain, ///< e * g
  full,     ///< clip(e * g)
  crossfade ///< clip(x + i * (e * g - x))
};

/// The per-sample gains of blocks [jb, je] (both channels): (gain0 + dgain * r) * (limit0 +
/// dlimit * r) with r = (frame in block) / 16, generic vectors.
void block_gains(const float* gain, const float* limit, std::int64_t jb, std::int64_t je,
                 float* dst) noexcept {
  const v4sf ramp[4] = {v4sf{0, 1, 2, 3} / 16.0f, v4sf{4, 5, 6, 7} / 16.0f,
                        v4sf{8, 9, 10, 11} / 16.0f, v4sf{12, 13, 14, 15} / 16.0f};
  for (std::int64_t j = jb; j <= je; ++j) {
    const float g0 = gain[j], dg = gain[j + 1] - g0;
    const float l0 = limit[j], dl = limit[j + 1] - l0;
    float* out = dst + 2 * block * (j - jb);
    for (int q = 0; q < 4; ++q) {
      const v4sf v = (g0 + dg * ramp[q]) * (l0 + dl * ramp[q]);
      simd::store(out + 8 * q, __builtin_shufflevector(v, v, 0, 0, 1, 1));
      simd::store(out + 8 * q + 4, __builtin_shufflevector(v, v, 2, 2, 3, 3));
    }
  }
}

/// `floats` output samples from e, g and x as `how` says, generic vectors; c is the clip level.
void apply_gains(mix how, const float* e, const float* g, const float* x, float intensity, float c,
                 float* out, std::int64_t floats) noexcept {
  const v4sf vi = simd::splat(intensity), hi = simd::splat(c), lo = simd::splat(-c);
  const auto clip = [&](float v) { return v < -c ? -c : (v > c ? c : v); };
  std::int64_t i = 0;
  if (how == mix::pre_gain) {
    for (; i + 4 <= floats; i += 4)
      simd::store(out + i, simd::load(e + i) * simd::load(g + i));
    for (; i < floats; ++i)
      out[i] = e[i] * g[i];
  } else if (how == mix::full) {
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

#if defined(AURALIS_CHAIN_WIDE)
/// simd::sanitise_copy() with eight-lane vectors (the same values).
__attribute__((target("avx2"))) void sanitise_copy_wide(const float* in, float* out,
                                                       std::int64_t floats) noexcept {
  const __m256i exponent = _mm256_set1_epi32(0x7f800000);
  const __m256 top = _mm256_set1_ps(simd::max_source_magnitude);
  const __m256 bottom = _mm256_set1_ps(-simd::max_source_magnitude);
  std::int64_t i = 0;
  for (; i + 8 <= floats; i += 8) {
    const __m256i bits = _mm256_castps_si256(_mm256_loadu_ps(in + i));
    const __m256i non_finite = _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent);
    const __m256 v = _mm256_castsi256_ps(_mm256_andnot_si256(non_finite, bits));
    _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(v, bottom), top));
  }
  simd::sanitise_copy(in + i, out + i, floats - i);
}

/// Block statistics of whole blocks at `in` (mean square of both channels, peak
/// magnitude) with eight-lane vectors (fused multiply-adds), and a copy to `keep` unless null.
__attribute__((target("avx2,fma"))) void block_stats_wide(const float* in, std::int64_t blocks,
                                                          float* mean_square, float* peak,
                                                          float* keep) noexcept {
  const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  for (std::int64_t j = 0; j < blocks; ++j) {
    const float* src = in + 2 * block * j;
    __m256 sq = _mm256_setzero_ps(), pk = _mm256_setzero_ps();
    for (int k = 0; k < 2 * block; k += 8) {
      const __m256 v = _mm256_loadu_ps(src + k);
      sq = _mm256_fmadd_ps(v, v, sq);
      pk = _mm256_max_ps(pk, _mm256_and_ps(v, magnitude));
      if (keep)
        _mm256_storeu_ps(keep + 2 * block * j + k, v);
    }
    const __m128 sq4 = _mm_add_ps(_mm256_castps256_ps128(sq), _mm256_extractf128_ps(sq, 1));
    const __m128 pk4 = _mm_max_ps(_mm256_castps256_ps128(pk), _mm256_extractf128_ps(pk, 1));
    const __m128 sq2 = _mm_add_ps(sq4, _mm_movehl_ps(sq4, sq4));
    const __m128 pk2 = _mm_max_ps(pk4, _mm_movehl_ps(pk4, pk4));
    mean_square[j] = _mm_cvtss_f32(_mm_add_ss(sq2, _mm_shuffle_ps(sq2, sq2, 1))) *
                     (1.0f / (2 * block));
    peak[j] = _mm_cvtss_f32(_mm_max_ss(pk2, _mm_shuffle_ps(pk2, pk2, 1)));
  }
}

/// block_gains() with eight-lane vectors (fused multiply-adds: float rounding differs).
__attribute__((target("avx2,fma"))) void block_gains_wide(const float* gain, const float* limit,
                                                          std::int64_t jb, std::int64_t je,
                                                          float* dst) noexcept {
  const __m256 ramp[4] = {
    _mm256_setr_ps(0, 0, 1, 1, 2, 2, 3, 3), _mm256_setr_ps(4, 4, 5, 5, 6, 6, 7, 7),
    _mm256_setr_ps(8, 8, 9, 9, 10, 10, 11, 11), _mm256_setr_ps(12, 12, 13, 13, 14, 14, 15, 15)};
  const __m256 sixteenth = _mm256_set1_ps(1.0f / 16);
  for (std::int64_t j = jb; j <= je; ++j) {
    const __m256 g0 = _mm256_set1_ps(gain[j]), dg = _mm256_set1_ps(gain[j + 1] - gain[j]);
    const __m256 l0 = _mm256_set1_ps(limit[j]), dl = _mm256_set1_ps(limit[j + 1] - limit[j]);
    float* out = dst + 2 * block * (j - jb);
    for (int q = 0; q < 4; ++q) {
      const __m256 r = _mm256_mul_ps(ramp[q], sixteenth);
      _mm256_storeu_ps(out + 8 * q,
                       _mm256_mul_ps(_mm256_fmadd_ps(dg, r, g0), _mm256_fmadd_ps(dl, r, l0)));
    }
  }
}

/// apply_gains() with eight-lane vectors (fused multiply-adds: float rounding differs).
__attribute__((target("avx2,fma"))) void apply_gains_wide(mix how, const float* e, const float* g,
                                                          const float* x, float intensity,
                                                          float c, float* out,
                                                          std::int64_t floats) noexcept {
  const __m256 vi = _mm256_set1_ps(intensity), hi = _mm256_set1_ps(c), lo = _mm256_set1_ps(-c);
  std::int64_t i = 0;
  if (how == mix::pre_gain) {
    for (; i + 8 <= floats; i += 8)
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_loadu_ps(e + i), _mm256_loadu_ps(g + i)));
  } else if (how == mix::full) {
    for (; i + 8 <= floats; i += 8) {
      const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(e + i), _mm256_loadu_ps(g + i));
      _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(v, lo), hi));
    }
  } else {
    for (; i + 8 <= floats; i += 8) {
      const __m256 xv = _mm256_loadu_ps(x + i);
      const __m256 wet = _mm256_fmsub_ps(_mm256_loadu_ps(e + i), _mm256_loadu_ps(g + i), xv);
      _mm256_storeu_ps(out + i, _mm256_min_ps(_mm256_max_ps(_mm256_fmadd_ps(vi, wet, xv), lo), hi));
    }
  }
  apply_gains(how, e + i, g + i, x + i, intensity, c, out + i, floats - i);
}

/// One xorshift32 step (13, 17, 5) on each of eight generator lanes (pcm_converter).
__attribute__((target("avx2"), always_inline)) inline __m256i step8(__m256i v) {
  v = _mm256_xor_si256(v, _mm256_slli_epi32(v, 13));
  v = _mm256_xor_si256(v, _mm256_srli_epi32(v, 17));
  return _mm256_xor_si256(v, _mm256_slli_epi32(v, 5));
}

/// Four floats from `p` in the low lanes, four from `q` in the high ones.
__attribute__((target("avx2"), always_inline)) inline __m256 join(const float* p,
                                                                  const float* q) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(p)), _mm_loadu_ps(q), 1);
}

/// `g` in the four low lanes, `h` in the four high ones.
__attribute__((target("avx2"), always_inline)) inline __m256 split(float g, float h) {
  return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_set1_ps(g)), _mm_set1_ps(h), 1);
}

/// `v`, opaque to the compiler: a product passed through it is not fused with a later
/// addition (as -ffp-contract does in an FMA function), so the sum rounds twice as in the
/// kernels without FMA.
__attribute__((target("avx2"), always_inline)) inline __m256 unfused(__m256 v) {
  asm("" : "+x"(v));
  return v;
}

/// One output tile of two whole dither grid blocks (2 * pcm_converter::grid_frames frames
/// from a timeline frame that is a multiple of that) straight to 16-bit codes: the gains
/// of block_gains_wide(), the mix of apply_gains_wide() (`how`: full or crossfade) and the
/// codes of pcm_converter in one pass, with the same operations, so the bytes are those
/// of the three passes. `gain` and `limit` point at the boundary gains of the tile's first
/// control block, `e` at its EQ output, `x` at its source (crossfade only; sanitised here
/// again, which changes nothing once sanitised), `out` at its codes; `a` and `b` are the
/// dither generator states of its two grid blocks (pcm_converter::grid_state()).
template <mix how>
__attribute__((target("avx2,fma"))) void pcm_tile_wide(const float* gain, const float* limit,
                                                       const float* e, const float* x,
                                                       float intensity, float c, simd::v4su a,
                                                       simd::v4su b, std::int16_t* out) noexcept {
  static_assert(how == mix::full || how == mix::crossfade, "16-bit output of the whole chain");
  constexpr std::int64_t half = pcm_converter::grid_frames;
  constexpr std::int64_t controls = half / block; // control blocks per grid block
  const __m256 vi = _mm256_set1_ps(intensity), hi = _mm256_set1_ps(c), lo = _mm256_set1_ps(-c);
  const __m256 scale = _mm256_set1_ps(pcm_converter::full_scale);
  const __m256 bottom = _mm256_set1_ps(-32768.0f), top = _mm256_set1_ps(32767.0f);
  const __m256 lsb = _mm256_set1_ps(1.0f / 65536.0f);
  const __m256i low16 = _mm256_set1_epi32(0xffff), centre = _mm256_set1_epi32(65535);
  const __m256i exponent = _mm256_set1_epi32(0x7f800000);
  const __m256 source_top = _mm256_set1_ps(simd::max_source_magnitude);
  const __m256 source_bottom = _mm256_set1_ps(-simd::max_source_magnitude);
  // Position in the control block / 16 of frames (f, f, f + 1, f + 1) in both halves.
  __m256 ramp[block / 2];
  for (int k = 0; k < block / 2; ++k) {
    const auto f = static_cast<float>(2 * k);
    ramp[k] = _mm256_mul_ps(_mm256_setr_ps(f, f, f + 1, f + 1, f, f, f + 1, f + 1),
                            _mm256_set1_ps(1.0f / 16));
  }
  __m256i state = _mm256_insertf128_si256(_mm256_castsi128_si256(reinterpret_cast<__m128i>(a)),
                                          reinterpret_cast<__m128i>(b), 1);
  for (std::int64_t q = 0; q < controls; ++q) {
    const std::int64_t p = q + controls; // the same control block of the second grid block
    const __m256 g0 = split(gain[q], gain[p]);
    const __m256 dg = split(gain[q + 1] - gain[q], gain[p + 1] - gain[p]);
    const __m256 l0 = split(limit[q], limit[p]);
    const __m256 dl = split(limit[q + 1] - limit[q], limit[p + 1] - limit[p]);
    for (int k = 0; k < block / 2; k += 2) {
      const std::int64_t at = 2 * (q * block + 2 * k); // four frames: two per code vector
      if (k % 4 == 0) { // a cache line (16 floats) of each stream ahead
        simd::prefetch(e + at, simd::prefetch_floats);
        simd::prefetch(e + 2 * half + at, simd::prefetch_floats);
        if (how == mix::crossfade) {
          simd::prefetch(x + at, simd::prefetch_floats);
          simd::prefetch(x + 2 * half + at, simd::prefetch_floats);
        }
      }
      __m256i codes[2];
      const __m256i first_states = step8(state);
      state = step8(first_states);
      for (int m = 0; m < 2; ++m) {
        const std::int64_t i = at + 4 * m;
        const __m256 r = ramp[k + m];
        const __m256 g = _mm256_mul_ps(_mm256_fmadd_ps(dg, r, g0), _mm256_fmadd_ps(dl, r, l0));
        const __m256 ev = join(e + i, e + 2 * half + i);
        __m256 v;
        if (how == mix::full) {
          v = _mm256_mul_ps(ev, g);
        } else {
          const __m256i bits = _mm256_castps_si256(join(x + i, x + 2 * half + i));
          const __m256i non_finite =
            _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent);
          const __m256 xv = _mm256_min_ps(
            _mm256_max_ps(_mm256_castsi256_ps(_mm256_andnot_si256(non_finite, bits)),
                          source_bottom),
            source_top);
          v = _mm256_fmadd_ps(vi, _mm256_fmsub_ps(ev, g, xv), xv);
        }
        // The clip, then pcm_converter's codes (the sample is finite: no NaN check).
        v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
        const __m256i st = m == 0 ? first_states : state;
        const __m256i sum = _mm256_sub_epi32(
          _mm256_add_epi32(_mm256_and_si256(st, low16), _mm256_srli_epi32(st, 16)), centre);
        // v * full_scale + dither: the dither (an integer times 2^-16) is exact, so fusing
        // its multiply changes nothing; the sample's product must round on its own.
        const __m256 w =
          _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum), lsb, unfused(_mm256_mul_ps(v, scale)));
        codes[m] = _mm256_cvtps_epi32(_mm256_min_ps(_mm256_max_ps(w, bottom), top));
      }
      // packs works per 128-bit half: {first grid block: 4 frames | second: 4 frames}.
      const __m256i packed = _mm256_packs_epi32(codes[0], codes[1]);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + at), _mm256_castsi256_si128(packed));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * half + at),
                       _mm256_extracti128_si256(packed, 1));
    }
  }
}
#endif

} // namespace

mastering_chain::mastering_chain(const config::preset& preset, int rate, simd::isa use)
  : preset_((check_preset(preset), preset)), rate_(rate), isa_(simd::usable_isa(use)),
    eq_(preset.eq, preset.eq_blend, rate),
    compressor_(preset.compressor, rate), limiter_(preset.limiter, preset.peak_target_db, rate),
    ceiling_(static_cast<float>(db_to_gain(preset.peak_target_db))),
    true_peak_headroom_(static_cast<float>(db_to_gain(true_peak_margin_db))),
    dynamics_blend_(static_cast<float>(std::clamp(preset.dynamics_blend, 0.0, 1.0))),
    lead_in_((static_cast<std::int64_t>(0.2 * rate) + block - 1) / block * block) {
  for (auto& t : tile_eq_)
    t.resize(2 * (tile_history + eq_tile));
  tile_x_.resize(2 * tile);
  tile_gain_.resize(2 * (tile + 2 * block));
  tile_out_.resize(2 * tile);
}

std::int64_t mastering_chain::postroll_frames() const noexcept {
  // The limiter's lookahead, the block grid, and one block more for the true-peak
  // interpolator of the last blocks the lookahead reads.
  return block * (limiter_.lookahead_blocks() + 2);
}

double mastering_chain::preroll_seconds() const noexcept {
  const double slowest_ms = std::max({preset_.compressor.attack_ms, preset_.compressor.release_ms,
                                      preset_.limiter.release_ms, 0.01});
  return std::min(default_preroll_seconds,
                  preroll_time_constants * slowest_ms * 1e-3 + preroll_settle_seconds);
}

std::int64_t mastering_chain::default_preroll_frames() const noexcept {
  // Less a millionth of a frame, so that a whole number of frames in decimal seconds
  // (1.01 s at 48 kHz) does not round up for binary rounding of the product.
  return static_cast<std::int64_t>(std::ceil(preroll_seconds() * rate_ - 1e-6));
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
  const upper_halves_cleared clean(isa_ == simd::isa::avx2_fma);
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
    // eq_out_ holds the blocks with output frames only; the others need just statistics.
    eq_first_ = region_first_ + first_block * block;
    eq_end_ = region_first_ + (last_block + 1) * block;
    const auto held = static_cast<std::size_t>(2 * (eq_end_ - eq_first_));
    if (eq_out_.size() < held)
      eq_out_.resize(held);
    if (mean_square_.size() < blocks) {
      mean_square_.resize(blocks);
      block_peak_.resize(blocks);
    }
    if (gain_.size() < blocks + 1) {
      gain_.resize(blocks + 1);
      limit_gain_.resize(blocks + 1);
    }
    true_peaks_ = what == stage::output;
    // Blocks whose interpolator input stays within skip_reach_ cannot reach the limiter's
    // threshold even at the largest gain before it (the loudness gain: the compressor mix
    // (1 - d) + d * g only attenuates; 0.1% for its approximations), so their sample peak
    // serves as well as their true peak.
    skip_reach_ = static_cast<float>(limiter_.threshold() /
                                     (db_to_gain(gain_db) * true_peak_headroom_ *
                                      true_peak_detector::interpolator_gain() * 1.001));
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
#if defined(AURALIS_CHAIN_WIDE)
  if (isa_ == simd::isa::avx2_fma)
    sanitise_copy_wide(r.input + 2 * (from - in_first), out + 2 * (from - first), 2 * (to - from));
  else
#endif
    simd::sanitise_copy(r.input + 2 * (from - in_first), out + 2 * (from - first),
                        2 * (to - from));
  std::fill(out + 2 * (to - first), out + 2 * frames, 0.0f);
}

void mastering_chain::commit(const float* in, std::int64_t first, std::int64_t frames,
                             std::int64_t lo, std::int64_t hi) {
  block_stats(in, first, frames, lo, hi);
  if (!true_peaks_)
    return;
  // True peaks of the blocks whose interpolator input is complete: from the block before
  // the tile (its last frames needed this tile's first ones) to the tile's last block but
  // one; `in` has tile_history frames of the segment's previous tile before it.
  const std::int64_t from = std::max(first - block, lo);
  const std::int64_t to = std::min(first + frames - block, hi);
  if (from < to) {
    const auto j = static_cast<std::size_t>((from - region_first_) / block);
    true_peak_detector::block_peaks(in + 2 * (from - first), (to - from) / block,
                                    block_peak_.data() + j, isa_, skip_reach_);
  }
}

void mastering_chain::block_stats(const float* in, std::int64_t first, std::int64_t frames,
                                  std::int64_t lo, std::int64_t hi) {
  const std::int64_t from = std::max(first, lo);
  const std::int64_t to = std::min(first + frames, hi);
#if defined(AURALIS_CHAIN_WIDE)
  if (isa_ == simd::isa::avx2_fma && from < to) {
    // Blocks before the output blocks need statistics only, the others their samples too.
    const auto j0 = static_cast<std::size_t>((from - region_first_) / block);
    const std::int64_t split = std::clamp(eq_first_, from, to);
    const std::int64_t stop = std::clamp(eq_end_, split, to);
    block_stats_wide(in + 2 * (from - first), (split - from) / block, mean_square_.data() + j0,
                     block_peak_.data() + j0, nullptr);
    const auto j1 = j0 + static_cast<std::size_t>((split - from) / block);
    block_stats_wide(in + 2 * (split - first), (stop - split) / block, mean_square_.data() + j1,
                     block_peak_.data() + j1, eq_out_.data() + 2 * (split - eq_first_));
    const auto j2 = j1 + static_cast<std::size_t>((stop - split) / block);
    block_stats_wide(in + 2 * (stop - first), (to - stop) / block, mean_square_.data() + j2,
                     block_peak_.data() + j2, nullptr);
    return;
  }
#endif
  for (std::int64_t f = from; f < to; f += block) {
    const float* src = in + 2 * (f - first);
    v4sf squares{}, peak{};
    for (int k = 0; k < 2 * block; k += 4) {
      const v4sf v = simd::load(src + k);
      squares += v * v;
      peak = simd::max(peak, simd::abs(v));
    }
    const auto j = static_cast<std::size_t>((f - region_first_) / block);
    mean_square_[j] = simd::hsum(squares) * (1.0f / (2 * block));
    block_peak_[j] = simd::hmax(peak);
  }
  // The samples of the output blocks.
  const std::int64_t keep_from = std::max(from, eq_first_);
  const std::int64_t keep_to = std::min(to, eq_end_);
  if (keep_from < keep_to)
    std::copy(in + 2 * (keep_from - first), in + 2 * (keep_to - first),
              eq_out_.data() + 2 * (keep_from - eq_first_));
}

void mastering_chain::eq_pass(const render_request& r) {
  // The EQ is the costly part and its state settles within lead_in_ frames, so a long
  // region runs as several segments side by side in the vector lanes (four with AVX2, two
  // otherwise): segment s filters [start[s], end[s]) and commits [end[s - 1], end[s]); the
  // first lead_in_ frames of every segment but the first only settle the filters.
  const std::int64_t length = region_blocks_ * block;
  const std::int64_t a0 = region_first_;
  const std::int64_t a1 = a0 + length;
  int segments = 1;
  if (isa_ == simd::isa::avx2_fma && length >= 16 * lead_in_)
    segments = 4;
  else if (length >= 8 * lead_in_)
    segments = 2;
  // Every segment runs `steps` frames (the last one possibly fewer).
  const std::int64_t steps =
    (length + (segments - 1) * lead_in_ + segments * block - 1) / (segments * block) * block;
  std::int64_t start[4] = {a0, a0, a0, a0}, end[4] = {a1, a1, a1, a1};
  for (int s = 1; s < segments; ++s) {
    end[s - 1] = a0 + s * steps - (s - 1) * lead_in_;
    start[s] = end[s - 1] - lead_in_;
  }
  eq_.reset();
  float* tiles[4];
  for (int s = 0; s < 4; ++s) {
    // Silence before every segment's start, as the EQ state.
    auto& t = tile_eq_[static_cast<std::size_t>(s)];
    std::fill(t.begin(), t.begin() + 2 * tile_history, 0.0f);
    tiles[s] = t.data() + 2 * tile_history;
  }
  // Every segment runs one block past the end of what it commits, for the true peaks of its
  // last block (whose interpolator reads the first frames after it).
  const std::int64_t run = steps + (true_peaks_ ? block : 0);
  const std::int64_t in_first = r.start_frame - r.preroll_frames;
  const std::int64_t in_end = in_first + r.input_frames;
  for (std::int64_t t = 0; t < run; t += eq_tile) {
    const std::int64_t n = std::min(eq_tile, run - t);
    if (segments == 4) {
      // (AVX2.) The EQ reads the source itself where a segment's tile lies inside it (and
      // inside the segment), sanitising on the fly; the other tiles are fetched first.
      const float* in[4];
      for (int s = 0; s < 4; ++s) {
        const std::int64_t f = start[s] + t;
        if (f >= in_first && f + n <= std::min(in_end, end[s] + block)) {
          in[s] = r.input + 2 * (f - in_first);
        } else {
          fetch(r, f, n, start[s], end[s] + block, tiles[s]);
          in[s] = tiles[s];
        }
      }
      eq_.process_quad(in, tiles, n, isa_, true);
    } else {
      for (int s = 0; s < segments; ++s)
        fetch(r, start[s] + t, n, start[s], end[s] + block, tiles[s]);
      if (segments == 2)
        eq_.process_pair(tiles[0], tiles[0], tiles[1], tiles[1], n);
      else
        eq_.process(tiles[0], tiles[0], n);
    }
    for (int s = 0; s < segments; ++s) {
      commit(tiles[s], start[s] + t, n, s == 0 ? a0 : end[s - 1], end[s]);
      // The tile's last frames become the next tile's history.
      std::memmove(tiles[s] - 2 * tile_history, tiles[s] + 2 * (n - tile_history),
                   sizeof(float) * 2 * tile_history);
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
  compressor_.next_gains(mean_square_.data(), gain_.data() + 1, blocks);
  // The deepest blend over the output blocks' boundaries (blocks first_block - 1 ..
  // last_block), then every boundary's gain; four at a time, the rest one by one.
  float compressor_min = 1;
  {
    const std::int64_t lo = std::max<std::int64_t>(first_block - 1, 0);
    std::int64_t j = lo;
    v4sf lowest = simd::splat(1.0f);
    for (; j + 4 <= last_block + 1; j += 4)
      lowest = simd::min(lowest, dry + wet * simd::load(gain_.data() + j + 1));
    compressor_min = simd::hmin(lowest);
    for (; j <= last_block; ++j)
      compressor_min = std::min(compressor_min, dry + wet * gain_[j + 1]);
    float* g = gain_.data() + 1;
    j = 0;
    for (; j + 4 <= blocks; j += 4)
      simd::store(g + j, loudness_gain * (dry + wet * simd::load(g + j)));
    for (; j < blocks; ++j)
      g[j] = loudness_gain * (dry + wet * g[j]);
  }
  stats_.compressor_min_gain_db = 20 * std::log10(static_cast<double>(compressor_min));
  if (what != stage::output) {
    std::fill(limit_gain_.begin(), limit_gain_.begin() + blocks + 1, 1.0f);
    return;
  }
  limiter_.reset();
  const std::int64_t k = limiter_.lookahead_blocks();
  // Pre-limiter block peaks, then in place the gain points (feeding block j gives the
  // point of boundary j + 1 - K).
  // (Block true peaks of the EQ output times the larger gain at the block's ends, with the
  // true-peak margin for the gain ramps.)
  float* peaks = block_peak_.data();
  for (std::int64_t j = 0; j < blocks; ++j)
    peaks[j] *= std::max(gain_[j], gain_[j + 1]) * true_peak_headroom_;
  limiter_.push_many(peaks, peaks, blocks);
  std::copy(peaks + k - 1, peaks + blocks, limit_gain_.begin());
  float limiter_min = 1;
  {
    // Boundaries first_block .. last_block + 1; four at a time, the rest one by one.
    std::int64_t j = first_block;
    v4sf lowest = simd::splat(1.0f);
    for (; j + 4 <= last_block + 2; j += 4)
      lowest = simd::min(lowest, simd::load(limit_gain_.data() + j));
    limiter_min = simd::hmin(lowest);
    for (; j <= last_block + 1; ++j)
      limiter_min = std::min(limiter_min, limit_gain_[j]);
  }
  double before = 0, after = 0;
  for (std::int64_t j = first_block; j <= last_block; ++j) {
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
  const float c = what == stage::output ? ceiling_ : std::numeric_limits<float>::max();
  const v4sf hi = simd::splat(c), lo = simd::splat(-c);
  const auto clip = [&](float v) { return v < -c ? -c : (v > c ? c : v); };
  const mix how = what == stage::pre_gain ? mix::pre_gain
                                          : (intensity == 1 ? mix::full : mix::crossfade);
  const bool wide = isa_ == simd::isa::avx2_fma;
  const std::int64_t in_first = r.start_frame - r.preroll_frames;
  std::int64_t n = 0;
  for (std::int64_t t = 0; t < r.output_frames; t += n) {
    const std::int64_t first = r.start_frame + t;
    // Tiles end on timeline multiples of `tile`: whole tiles hold whole dither grid blocks.
    n = std::min(tile - (first - floor_div(first, tile) * tile), r.output_frames - t);
    const std::int64_t floats = 2 * n;
#if defined(AURALIS_CHAIN_WIDE)
    static_assert(tile == 2 * pcm_converter::grid_frames, "a whole tile is two grid blocks");
    if (wide && pcm_out && processed && how != mix::pre_gain && n == tile) {
      // A whole tile (timeline-aligned): EQ output (and source) to codes in one pass.
      const std::int64_t rel = first - region_first_;
      const float* x = nullptr;
      if (how == mix::crossfade) {
        if (first >= in_first && first + n <= in_first + r.input_frames) {
          x = r.input + 2 * (first - in_first);
        } else {
          fetch(r, first, n, std::numeric_limits<std::int64_t>::min(),
                std::numeric_limits<std::int64_t>::max(), tile_x_.data());
          x = tile_x_.data();
        }
      }
      const std::int64_t grid = floor_div(first, pcm_converter::grid_frames);
      const auto pcm_tile = how == mix::full ? pcm_tile_wide<mix::full>
                                             : pcm_tile_wide<mix::crossfade>;
      pcm_tile(gain_.data() + rel / block, limit_gain_.data() + rel / block,
               eq_out_.data() + 2 * (first - eq_first_), x, intensity, c,
               pcm_converter::grid_state(r.dither_seed, grid),
               pcm_converter::grid_state(r.dither_seed, grid + 1), pcm_out + 2 * t);
      continue;
    }
#endif
    float* out = float_out ? float_out + 2 * t : tile_out_.data();
    float* x = tile_x_.data();
    if (!processed || how == mix::crossfade)
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
      const float* g = gains + 2 * (rel - jb * block);
      const float* e = eq_out_.data() + 2 * (first - eq_first_);
#if defined(AURALIS_CHAIN_WIDE)
      if (wide) {
        block_gains_wide(gain_.data(), limit_gain_.data(), jb, je, gains);
        apply_gains_wide(how, e, g, x, intensity, c, out, floats);
      } else
#endif
      {
        block_gains(gain_.data(), limit_gain_.data(), jb, je, gains);
        apply_gains(how, e, g, x, intensity, c, out, floats);
      }
    }
    if (pcm_out)
      pcm_converter::convert(out, pcm_out + 2 * t, n, first, r.dither_seed);
  }
}

} // namespace auralis::dsp
