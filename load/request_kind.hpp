#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace auralis::load {

/// What a request of the load generator is for; figures are kept per kind.
enum class request_kind {
  tracks,      ///< GET /api/library/tracks
  position,    ///< POST /api/player/position
  fetch_wav,   ///< chunk fetched ahead of playback, WAV
  fetch_opus,  ///< chunk fetched ahead of playback, Ogg Opus
  track_start, ///< first chunk of a track the listener just chose (or after its end)
  switch_,     ///< chunk at the playhead after a preset switch
  seek,        ///< chunk at the playhead after a seek
  intensity,   ///< chunk at the playhead after an intensity change
  stats,       ///< GET /api/cache/stats (the sampler)
  clear,       ///< POST /api/cache/clear (clear storms)
  attack,      ///< a deliberately malformed request from an attacker session
};

/// Number of request kinds.
inline constexpr std::size_t request_kind_count = 11;

/// Names of the kinds as reports and thresholds spell them.
inline constexpr std::array<std::string_view, request_kind_count> request_kind_names{
  "tracks", "position", "fetch_wav", "fetch_opus", "track_start", "switch",
  "seek",   "intensity", "stats",    "clear",      "attack"};

/// The name of `k`.
inline std::string_view name_of(request_kind k) {
  return request_kind_names[static_cast<std::size_t>(k)];
}

/// Whether `k` fetches an audio chunk.
inline bool is_chunk_fetch(request_kind k) {
  switch (k) {
    case request_kind::fetch_wav:
    case request_kind::fetch_opus:
    case request_kind::track_start:
    case request_kind::switch_:
    case request_kind::seek:
    case request_kind::intensity: return true;
    default: return false;
  }
}

/// Where a chunk came from, as the X-Cache-Tier header says.
enum class cache_tier {
  l1,    ///< "L1"
  l2,    ///< "L2"
  l3,    ///< "L3"
  miss,  ///< "MISS": rendered on demand
  none,  ///< not a chunk answer, or no header
};

/// Number of cache_tier values.
inline constexpr std::size_t cache_tier_count = 5;

/// Names of the tiers as reports spell them.
inline constexpr std::array<std::string_view, cache_tier_count> cache_tier_names{
  "L1", "L2", "L3", "MISS", "none"};

/// The tier a header value names (none for anything else).
inline cache_tier tier_of(std::string_view header) {
  for (std::size_t i = 0; i + 1 < cache_tier_count; ++i)
    if (header == cache_tier_names[i])
      return static_cast<cache_tier>(i);
  return cache_tier::none;
}

} // namespace auralis::load
