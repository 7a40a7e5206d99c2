#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <caf/node_id.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_messages.hpp"

namespace auralis::actors {

/// How the door is set up.
struct cluster_door_settings {
  std::string token;           ///< the shared secret a worker must say; empty = any worker
  worker_welcome welcome;      ///< what accepted workers render with
  worker_pool_actor pool;      ///< where accepted workers' job actors go
  std::string library_root;    ///< files are served from inside this folder only
  /// Largest file served, bytes (a worker asking for more gets invalid_argument).
  std::uint64_t max_file_bytes = 1ull << 30;
};

/// State of the door.
struct cluster_door_state {
  cluster_door_settings settings;
  std::set<caf::node_id> accepted; ///< nodes whose hello was accepted
  static inline const char* name = "cluster-door";
};

/// Behaviour of the door (see cluster_door). Spawn it detached: it reads library files.
cluster_door::behavior_type
cluster_door_impl(cluster_door::stateful_pointer<cluster_door_state> self,
                  cluster_door_settings settings);

} // namespace auralis::actors
