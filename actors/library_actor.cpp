#include "actors/library_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/engine_error.hpp"

namespace auralis::actors {

namespace {

using library_pointer = library_actor::stateful_pointer<library_state>;

caf::error unknown_track(std::int64_t id) {
  return make_engine_error(engine_errc::unknown_track, "no track with id " + std::to_string(id));
}

/// Drops the pool's queued jobs of track `id` (its file is gone or the track removed).
void cancel_queued(library_pointer self, std::int64_t id) {
  if (!self->state.pool)
    return;
  self->request(self->state.pool, caf::infinite, cancel_atom::value, id)
    .then(
      [id](std::uint64_t dropped) {
        if (dropped > 0)
          spdlog::info("library: dropped {} queued jobs of track {}", dropped, id);
      },
      [](const caf::error&) {});
}

/// Track `id` as its file is now (re-stat'ed), or the error to answer.
caf::expected<track_info> current(library_pointer self, std::int64_t id) {
  auto r = self->state.catalog->refresh(id);
  switch (r.status) {
    case refresh_status::unchanged:
      return std::move(*r.track);
    case refresh_status::changed:
      spdlog::info("library: track {} changed on disk ({}); re-read", id, r.track->abs_path);
      self->state.analyses.erase(id);
      return std::move(*r.track);
    case refresh_status::vanished:
      spdlog::info("library: track {} left the listing: {}", id, r.detail);
      self->state.analyses.erase(id);
      cancel_queued(self, id);
      return unknown_track(id);
    case refresh_status::unreadable:
      spdlog::warn("library: track {} left the listing: {}", id, r.detail);
      self->state.analyses.erase(id);
      cancel_queued(self, id);
      return make_engine_error(engine_errc::unreadable_file, r.detail);
    case refresh_status::unknown:
      break;
  }
  return unknown_track(id);
}

/// Submits track `t`'s analyse job and answers `promise` with its result. A job that
/// fails with source_changed (the file changed after the re-stat) is retried once with
/// the new signature.
void request_analysis(library_pointer self, const track_info& t,
                      caf::typed_response_promise<track_analysis> promise, int retries) {
  job_spec job;
  job.kind = job_kind::analyse;
  job.key = analysis_key(t.id);
  job.priority = job_priority::immediate;
  job.probability = 1;
  job.source = source_ref{t.abs_path, t.size, t.mtime_ns, t.frames};
  const std::int64_t id = t.id;
  const std::uint64_t size = t.size;
  const std::int64_t mtime_ns = t.mtime_ns;
  self->request(self->state.pool, caf::infinite, submit_atom::value, std::move(job))
    .then(
      [self, promise, id, size, mtime_ns](job_output& out) mutable {
        // Kept only while the track is still listed with the signature it was measured on.
        if (auto t = self->state.catalog->find(id); t && t->size == size && t->mtime_ns == mtime_ns)
          self->state.analyses[id] = library_state::held_analysis{size, mtime_ns, out.analysis};
        promise.deliver(std::move(out.analysis));
      },
      [self, promise, id, retries](caf::error& err) mutable {
        if (engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::source_changed) &&
            retries > 0) {
          auto t = current(self, id);
          if (!t) {
            promise.deliver(std::move(t.error()));
            return;
          }
          request_analysis(self, *t, std::move(promise), retries - 1);
          return;
        }
        promise.deliver(std::move(err));
      });
}

} // namespace

library_actor::behavior_type
library_actor_impl(library_actor::stateful_pointer<library_state> self, std::string root,
                   std::string ids_file, std::int64_t chunk_frames, worker_pool_actor pool) {
  self->state.catalog =
    std::make_unique<track_catalog>(std::move(root), std::move(ids_file), chunk_frames);
  self->state.pool = std::move(pool);
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
      auto t = current(self, id);
      if (!t)
        return std::move(t.error());
      return std::move(*t);
    },
    [rescan](scan_atom) -> caf::result<std::int64_t> {
      try {
        return rescan();
      } catch (const std::exception& e) {
        return make_engine_error(engine_errc::io_failure, e.what());
      }
    },
    [self](analysis_atom, std::int64_t id) -> caf::result<track_analysis> {
      auto t = current(self, id);
      if (!t)
        return std::move(t.error());
      auto held = self->state.analyses.find(id);
      if (held != self->state.analyses.end() && held->second.size == t->size &&
          held->second.mtime_ns == t->mtime_ns)
        return held->second.analysis;
      if (!self->state.pool)
        return make_engine_error(engine_errc::worker_failed, "the library has no worker pool");
      auto promise = self->make_response_promise<track_analysis>();
      request_analysis(self, *t, promise, 1);
      return promise;
    },
    [self](caf::add_atom, const std::string& path) -> caf::result<track_info> {
      add_result r;
      try {
        r = self->state.catalog->add(path);
      } catch (const std::exception& e) {
        return make_engine_error(engine_errc::io_failure, e.what());
      }
      switch (r.status) {
        case add_status::added:
          spdlog::info("library: added track {} ({})", r.track->id, r.track->path);
          return std::move(*r.track);
        case add_status::existing:
          return std::move(*r.track);
        case add_status::invalid_path:
          return make_engine_error(engine_errc::invalid_argument, r.detail);
        case add_status::unreadable:
          return make_engine_error(engine_errc::unreadable_file, r.detail);
      }
      return make_engine_error(engine_errc::invalid_argument, path);
    },
    [self](caf::delete_atom, std::int64_t id) -> caf::result<track_info> {
      std::optional<track_info> removed;
      try {
        removed = self->state.catalog->remove(id);
      } catch (const std::exception& e) {
        return make_engine_error(engine_errc::io_failure, e.what());
      }
      if (!removed)
        return unknown_track(id);
      self->state.analyses.erase(id);
      cancel_queued(self, id);
      spdlog::info("library: removed track {} ({})", id, removed->path);
      return std::move(*removed);
    },
  };
}

} // namespace auralis::actors
