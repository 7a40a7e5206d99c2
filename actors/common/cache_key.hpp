#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>

#include <caf/meta/type_name.hpp>

namespace auralis::actors {

/// Identity of one rendered chunk: (track, preset, intensity, chunk). Intensity is kept
/// in tenths (0..10), the one decimal the cache rounds to.
struct cache_key {
  std::int64_t track_id = 0;
  std::string preset;
  std::int32_t intensity_tenths = 10; ///< round(intensity * 10), 0..10
  std::int64_t chunk_idx = 0;

  /// Intensity as a number 0..1.
  double intensity() const noexcept { return intensity_tenths / 10.0; }

  friend bool operator==(const cache_key& a, const cache_key& b) noexcept {
    return a.track_id == b.track_id && a.chunk_idx == b.chunk_idx &&
           a.intensity_tenths == b.intensity_tenths && a.preset == b.preset;
  }
  friend bool operator!=(const cache_key& a, const cache_key& b) noexcept { return !(a == b); }
  friend bool operator<(const cache_key& a, const cache_key& b) noexcept {
    return std::tie(a.track_id, a.preset, a.intensity_tenths, a.chunk_idx) <
           std::tie(b.track_id, b.preset, b.intensity_tenths, b.chunk_idx);
  }
};

/// Intensity 0..1 rounded to tenths (0.25 -> 3; values outside 0..1 are clamped).
inline std::int32_t intensity_to_tenths(double intensity) noexcept {
  if (!(intensity > 0))
    return 0;
  if (intensity >= 1)
    return 10;
  return static_cast<std::int32_t>(std::lround(intensity * 10.0));
}

/// "track/preset/intensity/chunk", for logs.
inline std::string to_string(const cache_key& k) {
  return std::to_string(k.track_id) + "/" + k.preset + "/" +
         std::to_string(k.intensity_tenths / 10) + "." + std::to_string(k.intensity_tenths % 10) +
         "/" + std::to_string(k.chunk_idx);
}

/// CAF serialisation of cache_key.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cache_key& x) {
  return f(caf::meta::type_name("cache_key"), x.track_id, x.preset, x.intensity_tenths,
           x.chunk_idx);
}

/// Hash of a cache_key, for unordered containers.
struct cache_key_hash {
  std::size_t operator()(const cache_key& k) const noexcept {
    std::size_t h = std::hash<std::int64_t>()(k.track_id);
    h = h * 1000003u ^ std::hash<std::string>()(k.preset);
    h = h * 1000003u ^ std::hash<std::int64_t>()(k.chunk_idx);
    return h * 1000003u ^ static_cast<std::size_t>(k.intensity_tenths);
  }
};

} // namespace auralis::actors
