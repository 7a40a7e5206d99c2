#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>

#include "actors/cache/demotion_actor.hpp"
#include "actors/cache/tier_actor.hpp"
#include "actors/common/engine_event.hpp"
#include "actors/common/probe_registry.hpp"
#include "actors/library/library_actor.hpp"
#include "actors/memory/memory_governor_actor.hpp"
#include "actors/planner/planner_actor.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "actors/predictor/predictor_actor.hpp"
#include "config/engine_config.hpp"

namespace auralis::actors {

/// Handles of the engine's actors, everything but the HTTP front end. The engine, the
/// benchmarks and the integration tests spawn the same set through spawn_core_actors.
struct core_actors {
  library_actor library;
  worker_pool_actor pool;
  tier_actor l1, l2, l3;
  demotion_sink demotion;
  predictor_actor predictor;
  planner_actor planner;
  governor_actor governor; ///< invalid when tiers.overhead_mb is 0
  /// The probes measuring these actors (and the pool's workers); null = unmeasured.
  std::shared_ptr<probe_registry> probes;

  /// Every actor, in the order they are stopped: producers of work before what they feed
  /// (the memory governor and the planner first, tiers before the demotion path into L3, the pool and the library
  /// last).
  std::vector<caf::actor_addr> stop_order() const;
};

/// Spawns the core actors of `cfg` in `sys`, over the library folder `library_root`
/// (ids kept in <data_dir>/track-ids.json, the model in model_store::default_path).
/// `cores` sizes the pool when cfg.worker_count is 0. `events` (invalid = none) gets the
/// tiers' chunk events and the planner's mode changes. `predictor_clock` (empty =
/// steady_clock) is the clock of the predictor and of the planner's session idleness, so
/// a replay can run on scenario time. With `probes`, every actor (the pool's workers too)
/// is spawned measured by it (see probed_actor).
core_actors spawn_core_actors(
  caf::actor_system& sys, const config::engine_config& cfg, const std::string& library_root,
  unsigned cores, event_sink events = {},
  std::function<std::chrono::steady_clock::time_point()> predictor_clock = {},
  std::shared_ptr<probe_registry> probes = {});

/// Sends each actor of `order` an exit and waits (up to 10 s each) until it is down, one
/// after the other, so no actor outlives the peers it still sends to.
void stop_in_order(caf::actor_system& sys, const std::vector<caf::actor_addr>& order);

} // namespace auralis::actors
