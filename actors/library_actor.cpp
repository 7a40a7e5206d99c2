#include "actors/library_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/engine_error.hpp"

namespace auralis::actors {

library_actor::behavior_type
library_actor_impl(library_actor::stateful_pointer<library_state> self, std::string root,
                   std::string ids_file, std::int64_t chunk_frames) {
  self->state.catalog =
    std::make_unique<track_catalog>(std::move(root), std::move(ids_file), chunk_frames);
  auto rescan = [self]() -> std::int64_t {
    const auto report = self->state.catalog->scan();
    spdlog::info("library: {} tracks in {} ({} new, {} gone, {} skipped)", report.tracks,
                 self->state.catalog->root(), report.added, report.removed,
                 report.skipped.size());
    return static_cast<std::int64_t>(report.tracks);
  };
  try {
    rescan();
  } catch (const std::exception& e) {
    spdlog::error("library: {}", e.what());
  }
  return {
    [self](list_atom) { return self->state.catalog->list(); },
    [self](caf::get_atom, std::int64_t id) -> caf::result<track_info> {
      if (auto t = self->state.catalog->find(id))
        return *t;
      return make_engine_error(engine_errc::unknown_track,
                               "no track with id " + std::to_string(id));
    },
    [rescan](scan_atom) -> caf::result<std::int64_t> {
      try {
        return rescan();
      } catch (const std::exception& e) {
        return make_engine_error(engine_errc::io_failure, e.what());
      }
    },
  };
}

} // namespace auralis::actors
