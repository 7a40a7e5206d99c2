#pragma once

#include <chrono>
#include <memory>

#include <caf/stateful_actor.hpp>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/file_cache.hpp"

namespace auralis::actors {

/// How one job actor of a worker process is set up.
struct remote_worker_settings {
  cluster_door door;                 ///< the engine's door (files come from it)
  std::shared_ptr<file_cache> cache; ///< the process's copies of source files
  worker_actor local;                ///< the local worker that runs the jobs
  std::chrono::milliseconds file_timeout{std::chrono::seconds(60)}; ///< per file fetch
};

/// State of a job actor.
struct remote_worker_state {
  remote_worker_settings settings;
  static inline const char* name = "remote-worker";
};

/// A worker of the engine's pool running in another process: a job whose source file the
/// process has no copy of first fetches the file from the door (once per file and version),
/// then every job runs on `local` with the source path pointing at the copy; the answer
/// (bytes only) goes back to the pool. A fetch that fails answers its error. release is
/// passed on.
worker_actor::behavior_type
remote_worker_impl(worker_actor::stateful_pointer<remote_worker_state> self,
                   remote_worker_settings settings);

} // namespace auralis::actors
