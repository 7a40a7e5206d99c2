#pragma once

// Clang has no __builtin_shuffle, the GCC vector-extension shuffle that dsp/simd.hpp and
// some dsp/ kernels use (its two- and three-operand forms). The fuzz build (clang only)
// force-includes this lane-by-lane equivalent into our code. It is slower than the
// instruction GCC emits, which does not matter for fuzzing.

#if defined(__clang__) && defined(__cplusplus)

/// GCC's __builtin_shuffle(a, b, mask): lane i is lane mask[i] of the concatenation a:b
/// (mask lanes taken modulo twice the lane count).
template <class V, class M>
inline V __builtin_shuffle(V a, V b, M mask) noexcept {
  constexpr int lanes = static_cast<int>(sizeof(V) / sizeof(a[0]));
  V out = a;
  for (int i = 0; i < lanes; ++i) {
    const int k = static_cast<int>(mask[i]) & (2 * lanes - 1);
    out[i] = k < lanes ? a[k] : b[k - lanes];
  }
  return out;
}

/// GCC's __builtin_shuffle(a, mask): lane i is lane mask[i] of a (modulo the lane count).
template <class V, class M>
inline V __builtin_shuffle(V a, M mask) noexcept {
  constexpr int lanes = static_cast<int>(sizeof(V) / sizeof(a[0]));
  V out = a;
  for (int i = 0; i < lanes; ++i)
    out[i] = a[static_cast<int>(mask[i]) & (lanes - 1)];
  return out;
}

#endif
