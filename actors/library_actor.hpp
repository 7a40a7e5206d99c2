#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/track_catalog.hpp"
#include "actors/track_info.hpp"

namespace auralis::actors {

/// The track library. Answers:
/// - list: every readable track, by ascending id;
/// - get, id: one track, or engine_errc::unknown_track;
/// - scan: rescans the folder, answers the number of tracks now listed.
using library_actor = caf::typed_actor<
  caf::replies_to<list_atom>::with<std::vector<track_info>>,
  caf::replies_to<caf::get_atom, std::int64_t>::with<track_info>,
  caf::replies_to<scan_atom>::with<std::int64_t>>;

/// State of the library actor: the catalog it wraps.
struct library_state {
  std::unique_ptr<track_catalog> catalog;
  static inline const char* name = "library";
};

/// Behaviour of the library actor over a catalog of `root` with ids kept in `ids_file`,
/// scanned once at start-up. Spawn it detached: scanning reads file headers.
library_actor::behavior_type
library_actor_impl(library_actor::stateful_pointer<library_state> self, std::string root,
                   std::string ids_file, std::int64_t chunk_frames);

} // namespace auralis::actors
