#include "actors/library/library_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/engine_error.hpp"
#include "codec/audio_source.hpp"
#include "dsp/loudness_analyser.hpp"

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
      [self, id](const caf::error& err) {
        self->state.dropped.note("dropping the queued jobs of track " + std::to_string(id),
                                 self->system().render(err));
      });
}

/// Analyse jobs a track of `chunks` chunks of `chunk_frames` frames is measured in: two
/// (the pool's idle workers run them side by side, so a listener waiting for a first play
/// waits about half as long); one for a track of a single chunk, or when chunks do not
/// end on the loudness meter's 100 ms grid (a part must start on it).
std::int32_t analysis_parts_of(std::int64_t chunks, std::int64_t chunk_frames) {
  return chunks >= 2 && chunk_frames % (codec::engine_rate / 10) == 0 ? 2 : 1;
}

/// The analysis of a track from its analyse jobs' outputs, in part order: the chunks'
/// features one after the other and the loudness of the joined parts; an engine error
/// (corrupt_entry) when the parts do not fit together.
caf::expected<track_analysis> join_analysis_parts(const std::vector<job_output>& outputs) {
  track_analysis joined;
  std::vector<dsp::loudness_part> parts;
  for (const auto& out : outputs) {
    if (parts.empty()) {
      joined.presets = out.analysis.presets;
    } else if (out.analysis.presets != joined.presets) {
      return make_engine_error(engine_errc::corrupt_entry,
                               "analysis parts measured different presets");
    }
    joined.chunks.insert(joined.chunks.end(), out.analysis.chunks.begin(),
                         out.analysis.chunks.end());
    parts.push_back(dsp::loudness_part{out.loudness.first, out.loudness.end,
                                       out.loudness.sub_blocks});
  }
  try {
    const auto loudness = dsp::loudness_analyser::combine(parts);
    if (loudness.pre_gain_lufs.size() != joined.presets.size())
      return make_engine_error(engine_errc::corrupt_entry,
                               "analysis parts measured other programmes than presets");
    joined.source_lufs = loudness.source_lufs;
    joined.pre_gain_lufs = loudness.pre_gain_lufs;
  } catch (const std::invalid_argument& e) {
    return make_engine_error(engine_errc::corrupt_entry, e.what());
  }
  return joined;
}

/// The store's key of track `t`'s analysis.
analysis_store_key store_key(library_pointer self, const track_info& t) {
  return analysis_store_key{t.abs_path, t.size, t.mtime_ns,
                            self->state.analysis_settings.dependencies};
}

/// The analysis of `t` held in memory for its current signature, else the one stored for
/// it (then held from now on), else null.
const track_analysis* known_analysis(library_pointer self, const track_info& t) {
  auto& st = self->state;
  auto held = st.analyses.find(t.id);
  if (held != st.analyses.end() && held->second.size == t.size &&
      held->second.mtime_ns == t.mtime_ns)
    return &held->second.analysis;
  if (!st.store)
    return nullptr;
  auto stored = st.store->get(store_key(self, t));
  if (!stored)
    return nullptr;
  auto& h = st.analyses[t.id];
  h = library_state::held_analysis{t.size, t.mtime_ns, std::move(*stored)};
  return &h.analysis;
}

/// Holds and stores `analysis` of track `id` measured on (size, mtime_ns), while the track
/// is still listed with that signature.
void keep_analysis(library_pointer self, std::int64_t id, std::uint64_t size,
                   std::int64_t mtime_ns, const track_analysis& analysis) {
  auto& st = self->state;
  auto t = st.catalog->find(id);
  if (!t || t->size != size || t->mtime_ns != mtime_ns)
    return;
  auto held = st.analyses.find(id);
  if (held != st.analyses.end() && held->second.size == size && held->second.mtime_ns == mtime_ns)
    return; // held (and stored) already: a background and a listener's answer of one job
  st.analyses[id] = library_state::held_analysis{size, mtime_ns, analysis};
  st.failures.erase(id);
  if (st.store)
    st.store->put(store_key(self, *t), analysis);
}

void pump_background(library_pointer self);

/// Puts track `id` in the background backlog (once), when background analysis is on.
void queue_background(library_pointer self, std::int64_t id) {
  auto& st = self->state;
  if (!st.analysis_settings.background || !st.pool || !st.backlogged.insert(id).second)
    return;
  st.backlog.push_back(id);
}

/// Queues every listed track with neither a held nor a stored analysis for the background
/// and starts the first.
void queue_unanalysed(library_pointer self) {
  auto& st = self->state;
  if (!st.analysis_settings.background && !st.store)
    return;
  std::size_t known = 0, queued = 0;
  for (const auto& t : st.catalog->list()) {
    if (known_analysis(self, t)) {
      ++known;
    } else if (st.analysis_settings.background && st.backlogged.count(t.id) == 0) {
      queue_background(self, t.id);
      ++queued;
    }
  }
  spdlog::info("library: {} tracks analysed already, {} more to analyse in the background",
               known, queued);
  pump_background(self);
}

/// Submits the background analysis of `t`; pumps the next when it ends.
void submit_background(library_pointer self, const track_info& t);

/// Runs the analysis of `t` on the pool at `priority` as analysis_parts_of(t.chunks) jobs
/// (stretches of whole chunks, which idle workers run side by side), and calls
/// `done(track_analysis&)` with their join, or `failed(caf::error&)` with the first error;
/// exactly one of them, once. The jobs of one track are the same at every priority, so a
/// listener's request joins the background jobs and raises the queued ones.
template <class Done, class Failed>
void analyse_on_pool(library_pointer self, const track_info& t, job_priority priority,
                     Done done, Failed failed) {
  const std::int32_t parts = analysis_parts_of(t.chunks, self->state.chunk_frames);
  struct gathered {
    std::vector<job_output> outputs;
    std::size_t left = 0;
    bool ended = false;
    Done done;
    Failed failed;
  };
  auto g = std::make_shared<gathered>(
    gathered{std::vector<job_output>(static_cast<std::size_t>(parts)),
             static_cast<std::size_t>(parts), false, std::move(done), std::move(failed)});
  for (std::int32_t part = 0; part < parts; ++part) {
    job_spec job;
    job.kind = job_kind::analyse;
    job.key = analysis_key(t.id, part);
    job.analysis_parts = parts;
    job.priority = priority;
    job.probability = priority == job_priority::immediate ? 1.0 : 0.0;
    job.source = source_ref{t.abs_path, t.size, t.mtime_ns, t.frames};
    self->request(self->state.pool, caf::infinite, submit_atom::value, std::move(job))
      .then(
        [g, part](job_output& out) {
          if (g->ended)
            return;
          g->outputs[static_cast<std::size_t>(part)] = std::move(out);
          if (--g->left > 0)
            return;
          g->ended = true;
          caf::expected<track_analysis> joined = join_analysis_parts(g->outputs);
          if (joined)
            g->done(*joined);
          else
            g->failed(joined.error());
        },
        [g](caf::error& err) {
          if (g->ended)
            return;
          g->ended = true;
          g->failed(err);
        });
  }
}

/// Retries the backlog after the retry delay (once, however many failed).
void schedule_retry(library_pointer self) {
  auto& st = self->state;
  if (st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, st.analysis_settings.retry_delay, caf::tick_atom::value);
}

void pump_background(library_pointer self) {
  auto& st = self->state;
  while (!st.in_flight && !st.retry_scheduled && !st.backlog.empty()) {
    const auto id = st.backlog.front();
    st.backlog.pop_front();
    st.backlogged.erase(id);
    auto t = st.catalog->find(id);
    if (!t || known_analysis(self, *t))
      continue;
    if (auto f = st.failures.find(id); f != st.failures.end()) {
      if (f->second.size != t->size || f->second.mtime_ns != t->mtime_ns)
        st.failures.erase(f); // the file changed: a fresh start
      else if (f->second.given_up)
        continue;
    }
    submit_background(self, *t);
    return;
  }
  if (!st.in_flight && !st.retry_scheduled && st.backlog.empty() && st.background_done > 0) {
    spdlog::info("library: background analysis done: {} tracks analysed", st.background_done);
    st.background_done = 0;
  }
}

/// Counts a failure of `t`'s background analysis; true when it may be tried again.
bool count_failure(library_pointer self, const track_info& t, bool give_up) {
  auto& st = self->state;
  auto& f = st.failures[t.id];
  if (f.size != t.size || f.mtime_ns != t.mtime_ns)
    f = library_state::failed_analysis{t.size, t.mtime_ns, 0, false};
  ++f.attempts;
  f.given_up = give_up || f.attempts >= st.analysis_settings.max_attempts;
  return !f.given_up;
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
      queue_background(self, id);
      pump_background(self);
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

void submit_background(library_pointer self, const track_info& t) {
  auto& st = self->state;
  const std::int64_t id = t.id;
  const std::uint64_t size = t.size;
  const std::int64_t mtime_ns = t.mtime_ns;
  st.in_flight = true;
  analyse_on_pool(
    self, t, job_priority::background,
      [self, id, size, mtime_ns](track_analysis& analysis) {
        auto& st = self->state;
        st.in_flight = false;
        keep_analysis(self, id, size, mtime_ns, analysis);
        ++st.background_done;
        pump_background(self);
      },
      [self, id, size, mtime_ns](caf::error& err) {
        auto& st = self->state;
        st.in_flight = false;
        const auto code = engine_code_of(err);
        const auto is = [code](engine_errc e) { return code == static_cast<std::uint8_t>(e); };
        auto t = st.catalog->find(id);
        if (!t || t->size != size || t->mtime_ns != mtime_ns) {
          // Deleted, or changed since: the listing decides what comes next.
          if (t)
            queue_background(self, id);
        } else if (is(engine_errc::source_changed)) {
          if (current(self, id)) // re-stat: queues the changed file again
            queue_background(self, id);
        } else if (is(engine_errc::overloaded) || is(engine_errc::timed_out) ||
                   is(engine_errc::cancelled)) {
          // Passing: the pool had more urgent work. Tried again later, never given up.
          queue_background(self, id);
          schedule_retry(self);
        } else if (is(engine_errc::worker_failed) || code == 0) {
          if (count_failure(self, *t, false)) {
            queue_background(self, id);
            schedule_retry(self);
          } else {
            spdlog::warn("library: background analysis of track {} ({}) given up after {} "
                         "attempts: {}",
                         id, t->abs_path, st.analysis_settings.max_attempts,
                         self->system().render(err));
          }
        } else {
          count_failure(self, *t, true);
          spdlog::warn("library: background analysis of track {} ({}) failed; not tried "
                       "again until the file changes: {}",
                       id, t->abs_path, engine_detail_of(err));
        }
        pump_background(self);
      });
}

/// Submits track `t`'s analyse job and answers `promise` with its result. A job that
/// fails with source_changed (the file changed after the re-stat) is retried once with
/// the new signature.
void request_analysis(library_pointer self, const track_info& t,
                      caf::typed_response_promise<track_analysis> promise, int retries) {
  const std::int64_t id = t.id;
  const std::uint64_t size = t.size;
  const std::int64_t mtime_ns = t.mtime_ns;
  analyse_on_pool(
    self, t, job_priority::immediate,
      [self, promise, id, size, mtime_ns](track_analysis& analysis) mutable {
        // Kept only while the track is still listed with the signature it was measured on.
        keep_analysis(self, id, size, mtime_ns, analysis);
        promise.deliver(std::move(analysis));
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
                   std::string ids_file, std::int64_t chunk_frames, worker_pool_actor pool,
                   library_analysis_settings analyses) {
  self->state.catalog =
    std::make_unique<track_catalog>(std::move(root), std::move(ids_file), chunk_frames);
  self->state.pool = std::move(pool);
  self->state.chunk_frames = chunk_frames;
  self->state.analysis_settings = std::move(analyses);
  if (!self->state.analysis_settings.database.empty()) {
    try {
      self->state.store =
        std::make_unique<analysis_store>(self->state.analysis_settings.database);
    } catch (const std::exception& e) {
      spdlog::error("library: {}; analyses are held in memory only", e.what());
    }
  }
  auto rescan = [self]() -> std::int64_t {
    const auto report = self->state.catalog->scan();
    spdlog::info("library: {} tracks in {} ({} new, {} gone, {} skipped)", report.tracks,
                 self->state.catalog->root(), report.added, report.removed,
                 report.skipped.size());
    queue_unanalysed(self);
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
      if (const auto* known = known_analysis(self, *t))
        return *known;
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
          if (!known_analysis(self, *r.track)) {
            queue_background(self, r.track->id);
            pump_background(self);
          }
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
      self->state.failures.erase(id);
      cancel_queued(self, id);
      spdlog::info("library: removed track {} ({})", id, removed->path);
      return std::move(*removed);
    },
    [self](caf::tick_atom) {
      self->state.retry_scheduled = false;
      pump_background(self);
    },
  };
}

} // namespace auralis::actors
