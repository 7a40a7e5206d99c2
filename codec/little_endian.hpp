#pragma once

// Little-endian integers in byte buffers, as the L3 containers store them. The caller
// guarantees that the 2 or 4 bytes at `p` are inside its buffer.

#include <cstdint>

namespace auralis::codec {

/// The 16-bit little-endian value at p[0..1].
inline std::uint32_t load_u16(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8;
}

/// The 32-bit little-endian value at p[0..3].
inline std::uint32_t load_u32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

/// Writes the low 16 bits of `v` to p[0..1], little-endian.
inline void store_u16(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}

/// Writes `v` to p[0..3], little-endian.
inline void store_u32(unsigned char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

} // namespace auralis::codec
