#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/jobs.hpp"
#include "actors/track_catalog.hpp"
#include "actors/track_info.hpp"
#include "actors/worker_pool_actor.hpp"

namespace auralis::actors {

/// The track library. Answers:
/// - list: every readable track, by ascending id;
/// - get, id: one track, after re-stating its file: a file that vanished (or changed and
///   can no longer be read) leaves the listing and answers engine_errc::unknown_track
///   (unreadable_file); a changed file answers its updated info (new signature, duration,
///   chunks), so renders use the new source; unknown ids answer unknown_track;
/// - scan: rescans the folder, answers the number of tracks now listed;
/// - analysis, id: the track's track_analysis. Held analyses are kept in memory by id and
///   file signature; when none is held for the current signature, an analyse job is
///   submitted to the pool at immediate priority (the pool joins identical jobs) and the
///   answer follows when it arrives; the job's error (unreadable_file, source_changed,
///   timed_out, ...) is the answer otherwise;
/// - add, path: adds one file by its path relative to the library root; invalid_argument
///   for a path outside the root (also through a symlink), not a regular file or not an
///   audio name; unreadable_file when it cannot be read; an already listed path answers
///   its existing track;
/// - delete, id: removes the track from the listing (unknown_track if absent), forgets
///   its analysis and cancels its queued jobs in the pool; ids are never reused.
using library_actor = caf::typed_actor<
  caf::replies_to<list_atom>::with<std::vector<track_info>>,
  caf::replies_to<caf::get_atom, std::int64_t>::with<track_info>,
  caf::replies_to<scan_atom>::with<std::int64_t>,
  caf::replies_to<analysis_atom, std::int64_t>::with<track_analysis>,
  caf::replies_to<caf::add_atom, std::string>::with<track_info>,
  caf::replies_to<caf::delete_atom, std::int64_t>::with<track_info>>;

/// State of the library actor: the catalog it wraps and the analyses it holds.
struct library_state {
  /// An analysis and the file signature it was measured on.
  struct held_analysis {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    track_analysis analysis;
  };

  std::unique_ptr<track_catalog> catalog;
  worker_pool_actor pool;
  std::map<std::int64_t, held_analysis> analyses; ///< by track id
  static inline const char* name = "library";
};

/// Behaviour of the library actor over a catalog of `root` with ids kept in `ids_file`,
/// scanned once at start-up; `pool` runs its analyse jobs. Spawn it detached: scanning
/// reads file headers.
library_actor::behavior_type
library_actor_impl(library_actor::stateful_pointer<library_state> self, std::string root,
                   std::string ids_file, std::int64_t chunk_frames, worker_pool_actor pool);

} // namespace auralis::actors
