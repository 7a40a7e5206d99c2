#pragma once

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/tier_actor.hpp"
#include "actors/worker_pool_actor.hpp"

namespace auralis::actors {

/// Counters of the demotion actor.
struct demotion_state {
  worker_pool_actor pool;
  tier_actor l3;
  std::uint64_t received = 0; ///< demotions received
  std::uint64_t stored = 0;   ///< compressed and stored in L3
  std::uint64_t failed = 0;   ///< encode failed, or L3 refused
  static inline const char* name = "demotion";
};

/// Takes entries evicted from L1/L2 that are still likely, has the worker pool compress
/// them (an L3-priority encode job, so demotions never delay renders for listeners), and
/// stores the Opus blob in L3 with the entry's probability. A failure is logged and the
/// entry is dropped.
demotion_sink::behavior_type demotion_actor_impl(demotion_sink::stateful_pointer<demotion_state> self,
                                                 worker_pool_actor pool, tier_actor l3);

} // namespace auralis::actors
