#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace auralis::actors {

/// 64-bit FNV-1a, fed piece by piece: a fast hash that is the same on every run and
/// machine, for fingerprints, validators and seeds (not against an adversary).
class fnv1a {
public:
  /// Feeds `n` bytes at `p`.
  fnv1a& bytes(const void* p, std::size_t n) noexcept {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h_ ^= b[i];
      h_ *= 0x100000001b3ull;
    }
    return *this;
  }

  /// Feeds `v` as 8 little-endian bytes, whatever the machine's byte order.
  fnv1a& u64(std::uint64_t v) noexcept {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i)
      b[i] = static_cast<unsigned char>(v >> (8 * i));
    return bytes(b, 8);
  }

  /// Feeds the bit pattern of `d` (u64).
  fnv1a& f64(double d) noexcept {
    std::uint64_t v;
    std::memcpy(&v, &d, 8);
    return u64(v);
  }

  /// Feeds the length of `s` (u64), then its bytes, so that ("ab", "c") and ("a", "bc")
  /// differ.
  fnv1a& text(std::string_view s) noexcept {
    u64(s.size());
    return bytes(s.data(), s.size());
  }

  /// The hash of everything fed so far (the offset basis when nothing was).
  std::uint64_t value() const noexcept { return h_; }

private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

} // namespace auralis::actors
