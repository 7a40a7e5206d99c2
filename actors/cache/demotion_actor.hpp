#pragma once

#include <cstdint>
#include <map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/cache/demotion_backlog.hpp"
#include "actors/cache/tier_actor.hpp"
#include "actors/pool/worker_pool_actor.hpp"

namespace auralis::actors {

/// How the demotion path is set up.
struct demotion_settings {
  /// Bytes of PCM the backlog may hold, waiting and in flight (tiers.demote_queue_mb).
  std::uint64_t budget_bytes = 12'000'000;
  /// Encodes submitted to the pool at a time (tiers.demote_encodes_in_flight), >= 1.
  std::uint32_t max_in_flight = 1;
};

/// State of the demotion actor: its backlog and counters.
struct demotion_state {
  worker_pool_actor pool;
  tier_actor l3;
  demotion_settings settings;
  demotion_backlog backlog{0};
  std::uint64_t received = 0; ///< demotions received
  std::uint64_t stored = 0;   ///< compressed and stored in L3
  std::uint64_t refreshed = 0; ///< already in L3: put back, not encoded again
  std::uint64_t failed = 0;   ///< encode failed, or L3 refused
  std::uint32_t in_flight = 0; ///< encodes on the pool now
  std::uint64_t invalidated = 0; ///< entries of invalidated tracks, not stored
  std::map<std::int64_t, std::uint64_t> epochs; ///< by track id: invalidations so far

  /// How many times `track_id` was invalidated (0 for a track never invalidated).
  std::uint64_t epoch_of(std::int64_t track_id) const {
    const auto it = epochs.find(track_id);
    return it == epochs.end() ? 0 : it->second;
  }
  static inline const char* name = "demotion";
};

/// Takes entries evicted from L1/L2 that are still likely, has the worker pool compress
/// them (an L3-priority encode job, so demotions never delay renders for listeners), and
/// stores the Opus blob in L3 with the entry's probability. An entry L3 already holds (a
/// chunk served or promoted from L3 keeps its L3 copy) is not encoded again: its blob is
/// put back into L3 with the departing entry's probability, which restarts its age, and
/// the PCM is released (counted as refreshed).
/// The entries wait in a demotion_backlog within settings.budget_bytes (waiting and in
/// flight together): when a demotion does not fit, the least likely waiting entries are
/// dropped (counted, not logged). At most settings.max_in_flight encodes are on the pool
/// at a time, most likely entry first; the pool's queue never holds the backlog. A failed
/// encode is logged and the entry is dropped. stats answers the counters and bytes held.
/// invalidate, track id: the track's audio changed or is gone: its waiting entries are
/// dropped, and an encode or L3 lookup of it still under way when this arrives ends
/// without storing anything (both counted as invalidated). The planner sends it after L1
/// and L2 forgot the track and before L3 does, so no demotion sent before it reaches L3
/// after L3's own invalidation.
demotion_sink::behavior_type demotion_actor_impl(demotion_sink::stateful_pointer<demotion_state> self,
                                                 worker_pool_actor pool, tier_actor l3,
                                                 demotion_settings settings);

} // namespace auralis::actors
