#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/failure_log.hpp"
#include "actors/library/analysis_store.hpp"
#include "actors/library/track_catalog.hpp"
#include "actors/library/track_info.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/worker_pool_actor.hpp"

namespace auralis::actors {

/// The track library. Answers:
/// - list: every readable track, by ascending id;
/// - get, id: one track, after re-stating its file: a file that vanished (or changed and
///   can no longer be read) leaves the listing and answers engine_errc::unknown_track
///   (unreadable_file); a changed file answers its updated info (new signature, duration,
///   chunks), so renders use the new source; unknown ids answer unknown_track;
/// - scan: rescans the folder, answers the number of tracks now listed;
/// - analysis, id: the track's track_analysis. Held analyses are kept in memory by id and
///   file signature, and in the analysis store (when the library has one) by path,
///   signature and dependencies; when neither holds one for the current signature, an
///   analyse job is submitted to the pool at immediate priority (the pool joins identical
///   jobs, so a queued background analysis of the track is raised, a running one joined)
///   and the answer follows when it arrives; the job's error (unreadable_file,
///   source_changed, timed_out, ...) is the answer otherwise;
/// - add, path: adds one file by its path relative to the library root; invalid_argument
///   for a path outside the root (also through a symlink), not a regular file or not an
///   audio name; unreadable_file when it cannot be read; an already listed path answers
///   its existing track;
/// - delete, id: removes the track from the listing (unknown_track if absent), forgets
///   its analysis and cancels its queued jobs in the pool; ids are never reused;
/// - tick: the library's own timer (retries of background analyses).
/// With background analysis on (library_analysis_settings::background), every track a scan
/// or an add lists without a held or stored analysis is analysed at
/// job_priority::background, one job at a time (the pool's queue never fills with them),
/// and the result is held and stored. A background analysis the pool shed (overloaded),
/// timed out or cancelled is tried again after retry_delay; one whose worker died is tried
/// up to max_attempts times; one that failed for a reason of the file (unreadable_file,
/// ...) is not tried again until the file changes. A file found changed is analysed again.
using library_actor = caf::typed_actor<
  caf::replies_to<list_atom>::with<std::vector<track_info>>,
  caf::replies_to<caf::get_atom, std::int64_t>::with<track_info>,
  caf::replies_to<scan_atom>::with<std::int64_t>,
  caf::replies_to<analysis_atom, std::int64_t>::with<track_analysis>,
  caf::replies_to<caf::add_atom, std::string>::with<track_info>,
  caf::replies_to<caf::delete_atom, std::int64_t>::with<track_info>,
  caf::reacts_to<caf::tick_atom>>;

/// How the library keeps and measures analyses.
struct library_analysis_settings {
  /// The analysis database file (analysis_store); empty: analyses are held in memory only.
  /// A store that cannot be opened is logged and the library runs without one.
  std::string database;
  /// analysis_dependencies() of the pool's presets and chunk length: part of the stored key.
  std::uint64_t dependencies = 0;
  /// Analyse every listed track in the background as soon as it is scanned or added.
  bool background = false;
  /// Wait before a background analysis that was shed, timed out, cancelled or lost its
  /// worker is submitted again.
  std::chrono::milliseconds retry_delay{2000};
  /// A background analysis whose worker died (or whose pool did not answer) this many
  /// times for one file signature is given up.
  int max_attempts = 3;
};

/// State of the library actor: the catalog it wraps and the analyses it holds.
struct library_state {
  /// An analysis and the file signature it was measured on.
  struct held_analysis {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    track_analysis analysis;
  };

  /// A background analysis that failed for one file signature.
  struct failed_analysis {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    int attempts = 0;       ///< failures counted against max_attempts
    bool given_up = false;  ///< not tried again until the signature changes
  };

  std::unique_ptr<track_catalog> catalog;
  worker_pool_actor pool;
  std::map<std::int64_t, held_analysis> analyses; ///< by track id
  library_analysis_settings analysis_settings;
  std::unique_ptr<analysis_store> store;          ///< null: none
  std::deque<std::int64_t> backlog;               ///< tracks to analyse in the background
  std::set<std::int64_t> backlogged;              ///< the ids in backlog
  std::int64_t chunk_frames = 0; ///< 48 kHz frames per chunk
  bool in_flight = false;       ///< a background analysis is submitted
  bool retry_scheduled = false; ///< a tick is on its way
  std::map<std::int64_t, failed_analysis> failures; ///< by track id
  std::uint64_t background_done = 0;  ///< background analyses finished since the last drain
  failure_log dropped{"library"}; ///< failures of requests whose answers nobody waits for
  static inline const char* name = "library";
};

/// Behaviour of the library actor over a catalog of `root` with ids kept in `ids_file`,
/// scanned once at start-up; `pool` runs its analyse jobs; `analyses` says where they are
/// stored and whether they are measured in the background. Spawn it detached: scanning
/// reads file headers and the store is a file.
library_actor::behavior_type
library_actor_impl(library_actor::stateful_pointer<library_state> self, std::string root,
                   std::string ids_file, std::int64_t chunk_frames, worker_pool_actor pool,
                   library_analysis_settings analyses);

} // namespace auralis::actors
