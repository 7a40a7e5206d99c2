#include "dsp/pcm_converter.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define AURALIS_PCM_WIDE 1
#endif

namespace auralis::dsp {

namespace {

using simd::v4sf;
using simd::v4si;
using simd::v4su;

// C. Wellons' "lowbias32" integer hash.
std::uint32_t mix32(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

std::uint32_t key_of(std::uint64_t seed) noexcept {
  return mix32(static_cast<std::uint32_t>(seed) ^
               mix32(static_cast<std::uint32_t>(seed >> 32) + 0x9e3779b9u));
}

/// Generator states of grid block `block`: lane l serves channel l % 2 of the even (l < 2)
/// or odd (l >= 2) frame of each frame pair. Never 0 (xorshift's fixed point).
v4su seed_block(std::uint32_t key, std::int64_t block) noexcept {
  const auto b = static_cast<std::uint64_t>(block);
  const std::uint32_t base =
    mix32(key ^ mix32(static_cast<std::uint32_t>(b) ^ mix32(static_cast<std::uint32_t>(b >> 32))));
  v4su s;
  for (int l = 0; l < 4; ++l) {
    const std::uint32_t v = mix32(base + 0x632be5abu * static_cast<std::uint32_t>(l + 1));
    s[l] = v ? v : 0x2545f491u;
  }
  return s;
}

/// xorshift32 (13, 17, 5) on every lane.
v4su step(v4su s) noexcept {
  s ^= s << 13;
  s ^= s >> 17;
  s ^= s << 5;
  return s;
}

/// TPDF dither in LSB from generator outputs: the sum of the two 16-bit halves, centred.
v4sf tpdf(v4su s) noexcept {
  const v4si sum = reinterpret_cast<v4si>((s & 0xffffu) + (s >> 16)) - 65535;
  return __builtin_convertvector(sum, v4sf) * (1.0f / 65536.0f);
}

/// Scaled, dithered and clamped code values of `x` (NaN/Inf as 0), before rounding.
v4sf scaled(v4sf x, v4sf d) noexcept {
  const v4sf v = simd::zero_non_finite(x) * pcm_converter::full_scale + d;
  return simd::min(simd::max(v, simd::splat(-32768.0f)), simd::splat(32767.0f));
}

#if defined(AURALIS_PCM_WIDE)
/// step() on eight lanes.
__attribute__((target("avx2"), always_inline)) inline __m256i step8(__m256i v) {
  v = _mm256_xor_si256(v, _mm256_slli_epi32(v, 13));
  v = _mm256_xor_si256(v, _mm256_srli_epi32(v, 17));
  return _mm256_xor_si256(v, _mm256_slli_epi32(v, 5));
}

/// Rounded codes of four samples at `a` (lanes 0-3) and four at `b` (lanes 4-7) with the
/// dither of generator states `st`: tpdf() and scaled() on eight lanes.
__attribute__((target("avx2"), always_inline)) inline __m256i codes8(const float* a,
                                                                    const float* b, __m256i st) {
  const __m256i sum =
    _mm256_sub_epi32(_mm256_add_epi32(_mm256_and_si256(st, _mm256_set1_epi32(0xffff)),
                                      _mm256_srli_epi32(st, 16)),
                     _mm256_set1_epi32(65535));
  const __m256 d = _mm256_mul_ps(_mm256_cvtepi32_ps(sum), _mm256_set1_ps(1.0f / 65536.0f));
  const __m256 x =
    _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(a)), _mm_loadu_ps(b), 1);
  // NaN and +-Inf lanes to 0 (exponent all ones), as simd::zero_non_finite.
  const __m256i bits = _mm256_castps_si256(x);
  const __m256i exponent = _mm256_set1_epi32(0x7f800000);
  const __m256i non_finite = _mm256_cmpeq_epi32(_mm256_and_si256(bits, exponent), exponent);
  const __m256 clean = _mm256_castsi256_ps(_mm256_andnot_si256(non_finite, bits));
  const __m256 v = _mm256_add_ps(_mm256_mul_ps(clean, _mm256_set1_ps(pcm_converter::full_scale)), d);
  return _mm256_cvtps_epi32(
    _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-32768.0f)), _mm256_set1_ps(32767.0f)));
}

// Two whole grid blocks side by side in the eight AVX2 lanes (two independent generator
// chains, so twice the work per generator step): lanes 0-3 serve grid block `block` at
// `in`, lanes 4-7 the next one at `in + 2 * grid_frames`; 2 * grid_frames frames in all.
// The same operations as the generic code lane by lane (no fused multiply-add: "avx2"
// only), so the bytes are identical.
__attribute__((target("avx2"))) void convert_two_blocks(std::uint32_t key, std::int64_t block,
                                                       const float* in, std::int16_t* out) {
  const v4su lo = seed_block(key, block), hi = seed_block(key, block + 1);
  __m256i s = _mm256_insertf128_si256(_mm256_castsi128_si256(reinterpret_cast<__m128i>(lo)),
                                      reinterpret_cast<__m128i>(hi), 1);
  const float* in_b = in + 2 * pcm_converter::grid_frames;
  std::int16_t* out_b = out + 2 * pcm_converter::grid_frames;
  for (std::int64_t i = 0; i < pcm_converter::grid_frames; i += 4) {
    const __m256i s0 = step8(s);
    s = step8(s0);
    const __m256i c0 = codes8(in + 2 * i, in_b + 2 * i, s0);
    const __m256i c1 = codes8(in + 2 * i + 4, in_b + 2 * i + 4, s);
    // packs works per 128-bit half: {block: c0 c1 | next block: c0 c1}.
    const __m256i packed = _mm256_packs_epi32(c0, c1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 2 * i), _mm256_castsi256_si128(packed));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out_b + 2 * i),
                     _mm256_extracti128_si256(packed, 1));
  }
}
#endif

} // namespace

pcm_converter::pcm_converter(std::uint64_t seed, std::int64_t first_frame) noexcept
  : key_(key_of(seed)), next_(first_frame), block_(std::numeric_limits<std::int64_t>::min()),
    steps_(0) {}

void pcm_converter::seek(std::int64_t block, std::int64_t steps) noexcept {
  if (block != block_ || steps < steps_) {
    block_ = block;
    steps_ = 0;
    state_ = seed_block(key_, block);
  }
  for (; steps_ < steps; ++steps_)
    state_ = step(state_);
}

void pcm_converter::convert(const float* in, std::int16_t* out, std::int64_t frames) noexcept {
  std::int64_t i = 0;
  while (i < frames) {
    const std::int64_t frame = next_ + i;
    const std::int64_t block = floor_div(frame, grid_frames);
    const std::int64_t offset = frame - block * grid_frames;
#if defined(AURALIS_PCM_WIDE)
    if (offset == 0 && i + 2 * grid_frames <= frames && simd::has_avx2_fma()) {
      // Two whole grid blocks at once; the generator ends where the second one's does.
      convert_two_blocks(key_, block, in + 2 * i, out + 2 * i);
      i += 2 * grid_frames;
      block_ = std::numeric_limits<std::int64_t>::min();
      continue;
    }
#endif
    if ((frame & 1) || i + 2 > frames) {
      // A frame without its partner in this call: the pair's value, lanes of its parity.
      seek(block, offset / 2 + 1);
      const int lane = static_cast<int>(frame & 1) * 2;
      const v4sf d = tpdf(state_);
      const v4sf v = scaled(v4sf{in[2 * i], in[2 * i + 1], 0, 0}, v4sf{d[lane], d[lane + 1], 0, 0});
      const simd::v8hi codes = simd::round_to_int16(v, v);
      out[2 * i] = codes[0];
      out[2 * i + 1] = codes[1];
      ++i;
      continue;
    }
    // Whole pairs up to the end of the grid block or of the call.
    seek(block, offset / 2);
    const std::int64_t end = i + std::min(grid_frames - offset, (frames - i) / 2 * 2);
    v4su s = state_;
    for (; i + 4 <= end; i += 4) {
      const v4su s0 = step(s);
      s = step(s0);
      const simd::v8hi codes = simd::round_to_int16(scaled(simd::load(in + 2 * i), tpdf(s0)),
                                                    scaled(simd::load(in + 2 * i + 4), tpdf(s)));
      std::memcpy(out + 2 * i, &codes, sizeof codes);
    }
    if (i < end) {
      s = step(s);
      const v4sf v = scaled(simd::load(in + 2 * i), tpdf(s));
      const simd::v8hi codes = simd::round_to_int16(v, v);
      std::memcpy(out + 2 * i, &codes, 4 * sizeof(std::int16_t));
      i += 2;
    }
    state_ = s;
    steps_ = (next_ + i - block * grid_frames) / 2;
  }
  next_ += frames;
}

void pcm_converter::convert(const float* in, std::int16_t* out, std::int64_t frames,
                            std::int64_t first_frame, std::uint64_t seed) noexcept {
  pcm_converter(seed, first_frame).convert(in, out, frames);
}

simd::v4su pcm_converter::grid_state(std::uint64_t seed, std::int64_t block) noexcept {
  return seed_block(key_of(seed), block);
}

float pcm_converter::dither(std::uint64_t seed, std::int64_t frame, int channel) noexcept {
  pcm_converter c(seed, frame);
  const std::int64_t block = floor_div(frame, grid_frames);
  c.seek(block, (frame - block * grid_frames) / 2 + 1);
  return tpdf(c.state_)[(frame & 1) * 2 + (channel & 1)];
}

} // namespace auralis::dsp
