#pragma once

// Events the engine publishes for the web UI (the HTTP front end turns them into
// WebSocket messages). Publishing never waits: a sink is sent to, never asked.

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/cache_messages.hpp"

namespace auralis::actors {

/// What happened.
enum class event_kind : std::uint8_t {
  cache_cleared,      ///< every tier was cleared
  cache_tier_cleared, ///< one tier was cleared (tier)
  chunk_buffered,     ///< a rendered chunk entered a tier (track_id, preset, chunk_idx, tier)
  chunk_evicted,      ///< a chunk left a tier to make room or by age (same fields)
  mode_changed,       ///< a session's mode changed (session_id, mode)
  track_removed,      ///< a track left the library (track_id)
};

/// Wire name of `k` (the WebSocket message's "type").
inline const char* to_string(event_kind k) noexcept {
  switch (k) {
    case event_kind::cache_cleared: return "cache_cleared";
    case event_kind::cache_tier_cleared: return "cache_tier_cleared";
    case event_kind::chunk_buffered: return "chunk_buffered";
    case event_kind::chunk_evicted: return "chunk_evicted";
    case event_kind::mode_changed: return "mode_changed";
    case event_kind::track_removed: return "track_removed";
  }
  return "?";
}

/// One event; fields a kind does not use keep their defaults.
struct engine_event {
  event_kind kind = event_kind::cache_cleared;
  double timestamp = 0;       ///< seconds since the Unix epoch
  tier_id tier = tier_id::l1; ///< cache_tier_cleared, chunk_buffered, chunk_evicted
  std::int64_t track_id = 0;  ///< chunk_*, track_removed
  std::string preset;         ///< chunk_*
  double intensity = 1;       ///< chunk_*
  std::int64_t chunk_idx = 0; ///< chunk_*
  std::string session_id;     ///< mode_changed
  std::string mode;           ///< mode_changed: "normal", "exploration" or "settled"
};

/// CAF serialisation of engine_event.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, engine_event& x) {
  return f(caf::meta::type_name("engine_event"), x.kind, x.timestamp, x.tier, x.track_id,
           x.preset, x.intensity, x.chunk_idx, x.session_id, x.mode);
}

/// Publishes an event.
using event_atom = caf::atom_constant<caf::atom("event")>;

/// Whoever takes events (the HTTP front end's WebSocket hub). An invalid handle is a sink
/// that drops everything.
using event_sink = caf::typed_actor<caf::reacts_to<event_atom, engine_event>>;

} // namespace auralis::actors
