#pragma once

// Four-lane float and integer vectors (GCC/Clang vector extensions: SSE2 on x86-64, NEON on
// ARM) and the few helpers the DSP kernels share. Internal to dsp/.

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace auralis::dsp::simd {

/// Instruction sets of the kernels that come in more than one version.
enum class isa {
  generic, ///< the four-lane vectors of this header (SSE2 on x86-64, NEON on ARM)
  avx2_fma ///< eight-lane AVX2 with fused multiply-add (x86-64 only, chosen at run time)
};

/// True when the CPU and the OS run AVX2 and FMA instructions (checked once).
inline bool has_avx2_fma() noexcept {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool yes = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }();
  return yes;
#else
  return false;
#endif
}

/// The fastest instruction set this machine runs.
inline isa best_isa() noexcept { return has_avx2_fma() ? isa::avx2_fma : isa::generic; }

/// `wanted` if this machine runs it, otherwise isa::generic.
inline isa usable_isa(isa wanted) noexcept {
  return wanted == isa::avx2_fma && has_avx2_fma() ? isa::avx2_fma : isa::generic;
}

/// Four floats; arithmetic and comparisons work lane by lane.
using v4sf = float __attribute__((vector_size(16)));
/// Four signed 32-bit integers (comparison results: -1 true, 0 false).
using v4si = std::int32_t __attribute__((vector_size(16)));
/// Four unsigned 32-bit integers (wrapping arithmetic).
using v4su = std::uint32_t __attribute__((vector_size(16)));

/// All four lanes set to `x`.
inline v4sf splat(float x) noexcept { return v4sf{x, x, x, x}; }

/// Four floats from `p` (no alignment needed).
inline v4sf load(const float* p) noexcept {
  v4sf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// Stores four floats at `p` (no alignment needed).
inline void store(float* p, v4sf v) noexcept { std::memcpy(p, &v, sizeof v); }

/// Lanes {a0, a1, b0, b1}: the first stereo frame of `a` and of `b`.
inline v4sf low_halves(v4sf a, v4sf b) noexcept {
  return __builtin_shufflevector(a, b, 0, 1, 4, 5);
}

/// Lanes {a2, a3, b2, b3}: the second stereo frame of `a` and of `b`.
inline v4sf high_halves(v4sf a, v4sf b) noexcept {
  return __builtin_shufflevector(a, b, 2, 3, 6, 7);
}

/// |v| lane by lane (clears the sign bits).
inline v4sf abs(v4sf v) noexcept {
  return reinterpret_cast<v4sf>(reinterpret_cast<v4si>(v) &
                                v4si{0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff});
}

/// Lane-wise minimum (the second operand when either is NaN).
inline v4sf min(v4sf a, v4sf b) noexcept {
#if defined(__SSE2__)
  return _mm_min_ps(a, b);
#else
  return a < b ? a : b;
#endif
}

/// Lane-wise maximum (the second operand when either is NaN).
inline v4sf max(v4sf a, v4sf b) noexcept {
#if defined(__SSE2__)
  return _mm_max_ps(a, b);
#else
  return a > b ? a : b;
#endif
}

/// Eight 16-bit integers.
using v8hi = std::int16_t __attribute__((vector_size(16)));

/// Rounds the lanes of `a` and `b` (each within the int16 range) to the nearest integer
/// (ties to even, the default rounding mode) and packs them as {a0..a3, b0..b3}.
inline v8hi round_to_int16(v4sf a, v4sf b) noexcept {
#if defined(__SSE2__)
  return reinterpret_cast<v8hi>(_mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b)));
#else
  v8hi out;
  for (int i = 0; i < 4; ++i) {
    out[i] = static_cast<std::int16_t>(std::nearbyint(a[i]));
    out[i + 4] = static_cast<std::int16_t>(std::nearbyint(b[i]));
  }
  return out;
#endif
}

/// How far ahead of a streaming read the kernels prefetch, floats (8 KiB: the hardware
/// prefetcher stops at 4 KiB page boundaries, and the tiles are 4 to 8 KiB long).
inline constexpr std::int64_t prefetch_floats = 2048;

/// Asks the cache for the line holding p[floats] (which may lie past the end of p's
/// buffer: a prefetch never faults).
inline void prefetch(const float* p, std::int64_t floats) noexcept {
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) +
                                                   static_cast<std::uintptr_t>(4 * floats)));
}

/// Largest lane.
inline float hmax(v4sf v) noexcept {
  const float a = v[0] > v[1] ? v[0] : v[1];
  const float b = v[2] > v[3] ? v[2] : v[3];
  return a > b ? a : b;
}

/// Smallest lane.
inline float hmin(v4sf v) noexcept {
  const float a = v[0] < v[1] ? v[0] : v[1];
  const float b = v[2] < v[3] ? v[2] : v[3];
  return a < b ? a : b;
}

/// Sum of the lanes, in the fixed order (v0 + v1) + (v2 + v3).
inline float hsum(v4sf v) noexcept { return (v[0] + v[1]) + (v[2] + v[3]); }

/// Largest finite magnitude a source sample keeps; beyond it samples are clamped (+36 dBFS).
inline constexpr float max_source_magnitude = 64.0f;

/// All bits set in the lanes of `v` that are finite, 0 in the NaN and +-Inf lanes.
inline v4si finite_mask(v4sf v) noexcept {
  const v4si exp_mask = {0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000};
  return (reinterpret_cast<v4si>(v) & exp_mask) != exp_mask;
}

/// `v` with its NaN and +-Inf lanes set to 0.
inline v4sf zero_non_finite(v4sf v) noexcept {
  return reinterpret_cast<v4sf>(reinterpret_cast<v4si>(v) & finite_mask(v));
}

/// Source sanitising, lane by lane: NaN and +-Inf become 0, finite values are clamped to
/// +-max_source_magnitude.
inline v4sf sanitise(v4sf v) noexcept {
  return min(max(zero_non_finite(v), splat(-max_source_magnitude)), splat(max_source_magnitude));
}

/// Scalar form of sanitise().
inline float sanitise(float x) noexcept {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  if ((bits & 0x7f800000u) == 0x7f800000u)
    return 0.0f;
  return x < -max_source_magnitude ? -max_source_magnitude
                                   : (x > max_source_magnitude ? max_source_magnitude : x);
}

/// Copies `floats` values from `in` to `out`, sanitised.
inline void sanitise_copy(const float* in, float* out, std::int64_t floats) noexcept {
  std::int64_t i = 0;
  for (; i + 4 <= floats; i += 4)
    store(out + i, sanitise(load(in + i)));
  for (; i < floats; ++i)
    out[i] = sanitise(in[i]);
}

/// log2(x) for finite x > 0 to within about 3e-7 absolute (2e-6 dB as a level):
/// exponent bits plus an atanh series on the mantissa scaled into [sqrt(0.5), sqrt(2)).
inline float fast_log2(float x) noexcept {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  // Split so that the mantissa m lies in [sqrt(0.5), sqrt(2)): offset by 0x3f3504f3.
  const std::uint32_t shifted = bits - 0x3f3504f3u;
  const int e = static_cast<std::int32_t>(shifted) >> 23;
  const std::uint32_t mbits = (shifted & 0x007fffffu) + 0x3f3504f3u;
  float m;
  std::memcpy(&m, &mbits, sizeof m);
  const float t = (m - 1.0f) / (m + 1.0f);
  const float t2 = t * t;
  // 2/ln(2) * (t + t^3/3 + t^5/5 + t^7/7)
  const float series =
    t * (2.8853900818f + t2 * (0.9617966939f + t2 * (0.5770780164f + t2 * 0.4121985831f)));
  return static_cast<float>(e) + series;
}

/// 2^x to within about 3e-7 relative (3e-6 dB); 0 at or below -126, +Inf from 127.5.
inline float fast_exp2(float x) noexcept {
  if (!(x > -126.0f))
    return 0.0f;
  if (x >= 128.0f)
    return __builtin_huge_valf();
  const float n = static_cast<float>(static_cast<int>(x + 126.5f) - 126); // round(x)
  const float f = x - n;                                                  // [-0.5, 0.5]
  // e^(f ln2) by its Taylor series to the 6th power.
  const float y = f * 0.6931471806f;
  const float p =
    1.0f +
    y * (1.0f +
         y * (0.5f + y * (0.1666666667f +
                          y * (0.04166666667f + y * (0.008333333333f + y * 0.001388888889f)))));
  const std::uint32_t scale = static_cast<std::uint32_t>(static_cast<int>(n) + 127) << 23;
  float s;
  std::memcpy(&s, &scale, sizeof s);
  return p * s;
}

/// fast_log2() lane by lane, bit for bit the scalar values (finite x > 0; other lanes give
/// unspecified finite-or-not values for the caller to mask).
inline v4sf fast_log2(v4sf x) noexcept {
  const v4su shifted = reinterpret_cast<v4su>(x) - 0x3f3504f3u;
  const v4si e = reinterpret_cast<v4si>(shifted) >> 23;
  const v4sf m = reinterpret_cast<v4sf>((shifted & 0x007fffffu) + 0x3f3504f3u);
  const v4sf t = (m - 1.0f) / (m + 1.0f);
  const v4sf t2 = t * t;
  const v4sf series =
    t * (2.8853900818f + t2 * (0.9617966939f + t2 * (0.5770780164f + t2 * 0.4121985831f)));
  return __builtin_convertvector(e, v4sf) + series;
}

/// fast_exp2() lane by lane, bit for bit the scalar values (0 at or below -126 and for NaN,
/// +Inf from 128).
inline v4sf fast_exp2(v4sf x) noexcept {
  const v4si low = x > -126.0f;  // false for NaN
  const v4si high = x >= 128.0f;
  const v4sf safe = low & ~high ? x : splat(0.0f);
  const v4si whole = __builtin_convertvector(safe + 126.5f, v4si) - 126;
  const v4sf n = __builtin_convertvector(whole, v4sf);
  const v4sf y = (safe - n) * 0.6931471806f;
  const v4sf p =
    1.0f +
    y * (1.0f +
         y * (0.5f + y * (0.1666666667f +
                          y * (0.04166666667f + y * (0.008333333333f + y * 0.001388888889f)))));
  const v4sf scale = reinterpret_cast<v4sf>((whole + 127) << 23);
  const v4sf r = p * scale;
  return high ? splat(__builtin_huge_valf()) : (low ? r : splat(0.0f));
}

} // namespace auralis::dsp::simd
