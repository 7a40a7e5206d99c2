#include "actors/worker_pool_actor.hpp"

#include <mutex>
#include <set>

#include <malloc.h>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/engine_error.hpp"
#include "actors/job_error.hpp"
#include "actors/job_runner.hpp"
#include "codec/codec_error.hpp"

namespace auralis::actors {

namespace {

using pool_pointer = worker_pool_actor::stateful_pointer<pool_state>;

/// Audio-sized allocations (chunks of PCM, span buffers, Opus blobs) are mapped one by one
/// from here on, so that freeing them returns the memory to the system. glibc's default
/// raises its mmap threshold after the first large free and then keeps such buffers in
/// per-thread arenas, where freed chunks pile up (about 90 MB in `auralis-bench tiers`).
void map_large_buffers_individually() {
  static std::once_flag once;
  std::call_once(once, [] { mallopt(M_MMAP_THRESHOLD, large_buffer_bytes); });
}

caf::error engine_error_of(const codec::codec_error& e) {
  switch (e.code()) {
    case codec::codec_errc::io_error:
    case codec::codec_errc::unsupported:
    case codec::codec_errc::decode_failed:
      return make_engine_error(engine_errc::unreadable_file, e.what());
    case codec::codec_errc::corrupt:
      return make_engine_error(engine_errc::corrupt_entry, e.what());
    case codec::codec_errc::encode_failed:
    case codec::codec_errc::invalid_argument:
      break;
  }
  return make_engine_error(engine_errc::invalid_argument, e.what());
}

worker_actor spawn_worker(pool_pointer self) {
  const auto& s = self->state.settings;
  return self->spawn<caf::detached>(worker_actor_impl, s.opus, s.presets, s.chunk_frames);
}

void dispatch(pool_pointer self);

/// Answers every waiter of job `id` with `fn(promise)` and forgets the job.
template <class F>
void finish_job(pool_pointer self, std::uint64_t id, F&& fn) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end())
    return;
  for (auto& w : it->second.waiters) {
    fn(w.promise);
    st.waiter_job.erase(w.id);
  }
  st.running_by_identity.erase(it->second.identity);
  st.jobs.erase(it);
}

void start_on(pool_pointer self, std::size_t slot, queued_job q) {
  auto& st = self->state;
  auto& job = st.jobs.at(q.id);
  job.running = true;
  st.running_by_identity[job.identity] = q.id;
  st.workers[slot].job = q.id;
  const auto id = q.id;
  self->request(st.workers[slot].handle, caf::infinite, run_atom::value, std::move(q.spec))
    .then(
      [self, slot, id](job_output& out) {
        auto& st = self->state;
        ++st.counters.completed;
        st.counters.cpu_ms += out.cpu_ms;
        st.workers[slot].job = 0;
        finish_job(self, id, [&](auto& promise) { promise.deliver(out); });
        dispatch(self);
      },
      [self, slot, id](caf::error& err) {
        auto& st = self->state;
        ++st.counters.failed;
        st.workers[slot].job = 0;
        if (engine_code_of(err) == 0) {
          // Not an answer from our code: the worker is gone. Replace it.
          spdlog::error("worker-pool: worker {} died ({}); replacing it", slot,
                        self->system().render(err));
          ++st.counters.respawned;
          st.workers[slot].handle = spawn_worker(self);
          err = make_engine_error(engine_errc::worker_failed, "the worker running the job died");
        }
        finish_job(self, id, [&](auto& promise) { promise.deliver(err); });
        dispatch(self);
      });
}

/// Drops the queued jobs `ids` (already out of the queue): their waiters get cancelled.
std::uint64_t cancel_jobs(pool_pointer self, const std::vector<std::uint64_t>& ids,
                          const std::string& why) {
  auto& st = self->state;
  for (const auto id : ids)
    finish_job(self, id, [&](auto& promise) {
      promise.deliver(make_engine_error(engine_errc::cancelled, why));
    });
  st.counters.cancelled += ids.size();
  return ids.size();
}

/// Starts queued jobs on idle workers, most urgent first; skips jobs nobody waits for.
void dispatch(pool_pointer self) {
  auto& st = self->state;
  for (std::size_t slot = 0; slot < st.workers.size() && !st.queue.empty(); ++slot) {
    if (st.workers[slot].job != 0)
      continue;
    while (auto q = st.queue.pop()) {
      auto it = st.jobs.find(q->id);
      if (it == st.jobs.end() || it->second.waiters.empty()) {
        if (it != st.jobs.end())
          st.jobs.erase(it);
        continue;
      }
      start_on(self, slot, std::move(*q));
      break;
    }
  }
}

} // namespace

pool_state::~pool_state() {
  // Workers are not linked (a dying worker must not take the pool down); they stop with it.
  for (const auto& w : workers)
    caf::anon_send_exit(w.handle, caf::exit_reason::user_shutdown);
}

worker_actor::behavior_type worker_actor_impl(worker_actor::pointer self,
                                              codec::opus_options opus,
                                              config::preset_set presets,
                                              std::int64_t chunk_frames) {
  (void) self;
  auto runner = std::make_shared<job_runner>(opus, std::move(presets), chunk_frames);
  return {
    [runner](run_atom, const job_spec& spec) -> caf::result<job_output> {
      try {
        return runner->run(spec);
      } catch (const job_error& e) {
        spdlog::warn("worker: {} {} failed: {}", to_string(spec.kind), to_string(spec.key),
                     e.what());
        return make_engine_error(e.code(), e.what());
      } catch (const codec::codec_error& e) {
        spdlog::warn("worker: {} {} failed: {}", to_string(spec.kind), to_string(spec.key),
                     e.what());
        return engine_error_of(e);
      } catch (const std::exception& e) {
        spdlog::warn("worker: {} {} failed: {}", to_string(spec.kind), to_string(spec.key),
                     e.what());
        return make_engine_error(engine_errc::invalid_argument, e.what());
      }
    },
  };
}

worker_pool_actor::behavior_type
worker_pool_actor_impl(worker_pool_actor::stateful_pointer<pool_state> self,
                       pool_settings settings) {
  settings.opus.validate();
  map_large_buffers_individually();
  if (settings.chunk_frames <= 0)
    settings.chunk_frames = job_runner::default_chunk_frames;
  self->state.settings = settings;
  const std::size_t n = std::max<std::size_t>(1, settings.workers);
  for (std::size_t i = 0; i < n; ++i)
    self->state.workers.push_back({spawn_worker(self), 0});

  return {
    [self](submit_atom, job_spec& spec) -> caf::typed_response_promise<job_output> {
      auto& st = self->state;
      ++st.counters.submitted;
      const job_identity identity{spec.kind, spec.key};
      const auto timeout = st.settings.timeouts[static_cast<std::size_t>(spec.priority)];
      std::uint64_t id = 0;
      if (auto running = st.running_by_identity.find(identity);
          running != st.running_by_identity.end()) {
        id = running->second;
        ++st.counters.joined;
      } else {
        const auto pushed = st.queue.push(st.next_job, std::move(spec));
        id = pushed.id;
        if (pushed.joined)
          ++st.counters.joined;
        else
          st.jobs[id].identity = identity, ++st.next_job;
      }
      auto promise = self->make_response_promise<job_output>();
      const auto waiter_id = st.next_waiter++;
      st.jobs[id].waiters.push_back({waiter_id, promise});
      st.waiter_job[waiter_id] = id;
      self->delayed_send(self, timeout, expire_atom::value, waiter_id);
      dispatch(self);
      return promise;
    },
    [self](cancel_atom, std::int64_t track_id) {
      const auto ids = self->state.queue.drop_if(
        [track_id](const job_spec& s) { return s.key.track_id == track_id; });
      return cancel_jobs(self, ids,
                         "the queued job's track " + std::to_string(track_id) +
                           " was cancelled");
    },
    [self](prune_atom, const std::vector<cache_key>& wanted) {
      const std::set<cache_key> keep(wanted.begin(), wanted.end());
      const auto ids = self->state.queue.drop_if([&keep](const job_spec& s) {
        return s.kind == job_kind::render && s.priority != job_priority::immediate &&
               keep.count(s.key) == 0;
      });
      return cancel_jobs(self, ids, "the planner no longer wants the queued render");
    },
    [self](stats_atom) {
      auto& st = self->state;
      pool_report r = st.counters;
      r.workers = st.workers.size();
      r.busy = 0;
      for (const auto& w : st.workers)
        r.busy += w.job != 0 ? 1 : 0;
      const auto counts = st.queue.counts_by_priority();
      r.queued.assign(counts.begin(), counts.end());
      return r;
    },
    [self](expire_atom, std::uint64_t waiter_id) {
      auto& st = self->state;
      auto wj = st.waiter_job.find(waiter_id);
      if (wj == st.waiter_job.end())
        return; // answered already
      const auto job_id = wj->second;
      st.waiter_job.erase(wj);
      auto& job = st.jobs.at(job_id);
      for (auto it = job.waiters.begin(); it != job.waiters.end(); ++it) {
        if (it->id == waiter_id) {
          it->promise.deliver(make_engine_error(engine_errc::timed_out, "the job timed out"));
          job.waiters.erase(it);
          break;
        }
      }
      ++st.counters.timed_out;
      if (job.waiters.empty() && !job.running) {
        st.queue.remove(job.identity);
        st.jobs.erase(job_id);
      }
    },
  };
}

} // namespace auralis::actors
