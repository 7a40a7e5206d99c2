#include "actors/pool/worker_pool_actor.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/engine_error.hpp"
#include "actors/common/probed_actor.hpp"
#include "actors/pool/job_error.hpp"
#include "actors/pool/job_runner.hpp"
#include "codec/codec_error.hpp"
#include "codec/opus_segmented_format.hpp"

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

worker_actor spawn_worker(pool_pointer self, std::size_t slot, bool listener_only) {
  const auto& s = self->state.settings;
  return spawn_probed<caf::detached>(self->system(), s.probes.get(),
                                     "worker-" + std::to_string(slot), "worker",
                                     worker_actor_impl, s.opus, s.presets, s.chunk_frames,
                                     listener_only ? 0 : s.background_nice);
}

void dispatch(pool_pointer self);

/// The slot of local worker `handle`.
pool_state::worker_slot local_slot(worker_actor handle, bool listener_only) {
  pool_state::worker_slot w;
  w.handle = std::move(handle);
  w.listener_only = listener_only;
  return w;
}

/// The workers still in use (remote workers that left are not).
std::size_t live_workers(const pool_state& st) {
  return static_cast<std::size_t>(
    std::count_if(st.workers.begin(), st.workers.end(),
                  [](const pool_state::worker_slot& w) { return !w.gone; }));
}

/// Queues job `id` again after the remote worker running it was given up (its spec is the
/// copy the slot kept). A job finished meanwhile (a late answer) or no longer waited for is
/// left alone.
void requeue(pool_pointer self, std::uint64_t id, job_spec spec) {
  auto& st = self->state;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end() || !it->second.running || it->second.split)
    return;
  auto& job = it->second;
  job.running = false;
  if (auto r = st.running_by_identity.find(job.identity);
      r != st.running_by_identity.end() && r->second == id)
    st.running_by_identity.erase(r);
  if (job.waiters.empty()) {
    st.jobs.erase(it);
    return;
  }
  const auto pushed = st.queue.push(id, std::move(spec));
  ++st.counters.requeued;
  if (pushed.id != id) {
    // An identical job was queued meanwhile: the waiters join it.
    auto& other = st.jobs.at(pushed.id);
    for (auto& w : job.waiters) {
      st.waiter_job[w.id] = pushed.id;
      other.waiters.push_back(std::move(w));
    }
    st.jobs.erase(id);
  }
}

/// Gives remote worker `slot` up (`why`: for the log): never used again, its job queued
/// again for another worker.
void give_up_remote(pool_pointer self, std::size_t slot, const std::string& why) {
  auto& st = self->state;
  auto& w = st.workers[slot];
  if (w.gone)
    return;
  spdlog::warn("worker-pool: remote worker {} of {} is gone ({}){}", slot, w.host, why,
               w.running ? "; its job runs again on another worker" : "");
  w.gone = true;
  self->demonitor(w.handle.address());
  if (w.probe)
    w.probe->stopped();
  const auto id = w.job;
  w.job = 0;
  if (w.running) {
    auto spec = std::move(*w.running);
    w.running.reset();
    if (id != 0)
      requeue(self, id, std::move(spec));
  }
}

/// Marks worker `slot` free after its job ended in `err`. An error not from our code means
/// the worker is gone: it is replaced and `err` becomes engine_errc::worker_failed.
void free_after_error(pool_pointer self, std::size_t slot, caf::error& err) {
  auto& st = self->state;
  if (engine_code_of(err) == 0 && !st.workers[slot].host.empty()) {
    // A remote worker that is gone: its job (still on the slot) runs again elsewhere.
    give_up_remote(self, slot, self->system().render(err));
    return;
  }
  st.workers[slot].job = 0;
  if (engine_code_of(err) != 0)
    return;
  spdlog::error("worker-pool: worker {} died ({}); replacing it", slot,
                self->system().render(err));
  ++st.counters.respawned;
  st.workers[slot].handle = spawn_worker(self, slot, st.workers[slot].listener_only);
  st.workers[slot].span = {-1, -1};
  err = make_engine_error(engine_errc::worker_failed, "the worker running the job died");
}

/// Whether the pool has no work: nothing queued, no worker busy.
bool is_idle(const pool_state& st) {
  return st.queue.empty() &&
         std::all_of(st.workers.begin(), st.workers.end(),
                     [](const pool_state::worker_slot& w) { return w.job == 0; });
}

/// Starts the idle timer when the pool has just become idle: once per idle period (the
/// period a submission started), so an idle pool sends no timers over and over.
void arm_idle_release(pool_pointer self) {
  auto& st = self->state;
  if (st.idle_armed || st.settings.idle_release.count() <= 0 || !is_idle(st))
    return;
  st.idle_armed = true;
  self->delayed_send(self, st.settings.idle_release, release_atom::value, st.idle_period);
}

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
  // A split job given up may share its identity with a newer job: forget only its own.
  if (auto r = st.running_by_identity.find(it->second.identity);
      r != st.running_by_identity.end() && r->second == id)
    st.running_by_identity.erase(r);
  st.jobs.erase(it);
}

/// Counts the job (or part) worker `slot` just finished: its wall time by kind.
void note_job_time(pool_state& st, std::size_t slot, job_kind kind) {
  auto& w = st.workers[slot];
  ++w.done;
  auto& by_kind = st.counters.job_time_by_kind;
  const auto k = static_cast<std::size_t>(kind);
  if (by_kind.size() <= k)
    by_kind.resize(k + 1);
  by_kind[k].add(
    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - w.started)
      .count());
}

/// A remote worker's answer to job `id` came: its kept spec and deadline no longer matter.
void end_remote_job(pool_state& st, std::size_t slot, std::uint64_t id) {
  auto& w = st.workers[slot];
  if (w.host.empty() || w.job != id)
    return;
  w.running.reset();
  if (w.probe)
    w.probe->end(std::chrono::steady_clock::now());
}

void start_on(pool_pointer self, std::size_t slot, queued_job q) {
  auto& st = self->state;
  auto& job = st.jobs.at(q.id);
  job.running = true;
  job.background = q.spec.priority == job_priority::background;
  st.running_by_identity[job.identity] = q.id;
  st.workers[slot].job = q.id;
  st.workers[slot].started = std::chrono::steady_clock::now();
  if (q.spec.kind == job_kind::render)
    st.workers[slot].span = {q.spec.key.track_id, q.spec.key.chunk_idx};
  const auto id = q.id;
  const bool background = job.background;
  auto& w = st.workers[slot];
  if (!w.host.empty()) {
    // A remote job: kept to run again elsewhere, and given half its timeout to answer.
    w.running = q.spec;
    if (w.probe)
      w.probe->begin(nullptr, static_cast<std::uint64_t>(q.spec.kind), w.started,
                     [&] { return std::string(to_string(q.spec.kind)); });
    self->delayed_send(self, st.settings.timeouts[static_cast<std::size_t>(q.spec.priority)] / 2,
                       lost_atom::value, static_cast<std::uint64_t>(slot), id);
  }
  self->request(w.handle, caf::infinite, run_atom::value, std::move(q.spec))
    .then(
      [self, slot, id, background](job_output& out) {
        auto& st = self->state;
        if (auto& w = st.workers[slot]; !w.host.empty() && w.job == id) {
          const double wall = std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - w.started).count();
          w.round_trip_ms += std::max(0.0, wall - out.cpu_ms);
          ++w.round_trips;
        }
        end_remote_job(st, slot, id);
        ++st.counters.completed;
        st.counters.cpu_ms += out.cpu_ms;
        note_job_time(st, slot, out.kind);
        if (out.kind == job_kind::render) {
          ++st.counters.renders;
          st.counters.reused_inputs += out.input_reused ? 1 : 0;
        }
        // A whole-file analysis is no measure of a listener's job.
        if (!background)
          st.admission.record(out.cpu_ms);
        st.workers[slot].job = 0;
        finish_job(self, id, [&](auto& promise) { promise.deliver(out); });
        dispatch(self);
        arm_idle_release(self);
      },
      [self, slot, id](caf::error& err) {
        auto& st = self->state;
        if (!st.workers[slot].host.empty() && engine_code_of(err) == 0) {
          // The remote worker is gone (or was given up): its job runs again elsewhere.
          if (st.workers[slot].job == id)
            free_after_error(self, slot, err);
          dispatch(self);
          arm_idle_release(self);
          return;
        }
        end_remote_job(st, slot, id);
        ++st.counters.failed;
        report_actor_error("job on worker-" + std::to_string(slot) + " failed: " +
                           self->system().render(err));
        free_after_error(self, slot, err);
        finish_job(self, id, [&](auto& promise) { promise.deliver(err); });
        dispatch(self);
        arm_idle_release(self);
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
  arm_idle_release(self);
  return ids.size();
}

/// The split job whose next part starts first (most urgent, then oldest), or 0. Forgets
/// entries whose job is gone or has no part left to start.
std::uint64_t next_split(pool_pointer self) {
  auto& st = self->state;
  std::uint64_t best = 0;
  job_priority best_priority = job_priority::l3;
  for (auto it = st.splitting.begin(); it != st.splitting.end();) {
    auto job = st.jobs.find(*it);
    if (job == st.jobs.end() || !job->second.split ||
        job->second.split->next >= job->second.split->frame_counts.size()) {
      it = st.splitting.erase(it);
      continue;
    }
    const auto priority = job->second.split->spec.priority;
    if (best == 0 || priority < best_priority) {
      best = *it;
      best_priority = priority;
    }
    ++it;
  }
  return best;
}

/// Takes back part `index` of split job `id` from worker `slot`: copies its PCM into the
/// joined payload and answers the job when it was the last part.
void part_done(pool_pointer self, std::size_t slot, std::uint64_t id, std::uint32_t index,
               job_output& out) {
  auto& st = self->state;
  st.counters.cpu_ms += out.cpu_ms;
  note_job_time(st, slot, out.kind);
  st.workers[slot].job = 0;
  auto it = st.jobs.find(id);
  if (it == st.jobs.end() || !it->second.split) {
    dispatch(self); // the job failed or was given up: the part is not needed
    return;
  }
  auto& split = *it->second.split;
  --split.running;
  // The worker gets its next work before this part is copied.
  dispatch(self);
  const std::size_t bytes = static_cast<std::size_t>(split.frame_counts[index]) * 4;
  if (!out.output.data || out.output.data->size() != bytes) {
    ++st.counters.failed;
    const auto got = out.output.data ? out.output.data->size() : 0;
    finish_job(self, id, [&](auto& promise) {
      promise.deliver(make_engine_error(
        engine_errc::corrupt_entry,
        "segments " + std::to_string(split.first_segments[index]) + " + " +
          std::to_string(split.segment_counts[index]) + " decoded to " +
          std::to_string(got) + " bytes, not " + std::to_string(bytes)));
    });
    return;
  }
  if (!split.pcm) // allocated while the other parts still run
    split.pcm = codec::byte_buffer::allocate(
      std::accumulate(split.frame_counts.begin(), split.frame_counts.end(), std::size_t{0}) *
      4);
  std::memcpy(split.pcm->data() + static_cast<std::size_t>(split.first_frames[index]) * 4,
              out.output.data->data(), bytes);
  split.pcm->seal(); // each part: this actor's parts may run on different threads
  split.cpu_ms += out.cpu_ms;
  ++split.done;
  if (split.done == split.frame_counts.size()) {
    ++st.counters.completed;
    job_output joined;
    joined.kind = split.spec.kind;
    joined.key = split.spec.key;
    joined.output.data = std::move(split.pcm);
    joined.cpu_ms = split.cpu_ms;
    finish_job(self, id, [&](auto& promise) { promise.deliver(joined); });
  } else if (split.running == 0 && split.next == split.frame_counts.size()) {
    // Given up (its last waiter timed out) and its last running part is back.
    finish_job(self, id, [](auto&) {});
  }
}

/// Runs the next part of split job `id` on worker `slot`.
void start_part(pool_pointer self, std::size_t slot, std::uint64_t id) {
  auto& st = self->state;
  auto& split = *st.jobs.at(id).split;
  const std::uint32_t index = split.next++;
  ++split.running;
  ++st.counters.parts;
  job_spec part = split.spec; // shares the entry's bytes
  part.segment = static_cast<std::int32_t>(split.first_segments[index]);
  part.segment_count = split.segment_counts[index];
  st.workers[slot].job = id;
  st.workers[slot].started = std::chrono::steady_clock::now();
  self->request(st.workers[slot].handle, caf::infinite, run_atom::value, std::move(part))
    .then(
      [self, slot, id, index](job_output& out) {
        part_done(self, slot, id, index, out);
        arm_idle_release(self);
      },
      [self, slot, id](caf::error& err) {
        auto& st = self->state;
        free_after_error(self, slot, err);
        if (auto it = st.jobs.find(id); it != st.jobs.end() && it->second.split) {
          // The first failing part fails the job; later parts find it gone.
          ++st.counters.failed;
          finish_job(self, id, [&](auto& promise) { promise.deliver(err); });
        }
        dispatch(self);
        arm_idle_release(self);
      });
}

/// Turns the queued decode job `q` into a split job when its entry has several segments
/// and the pool several workers: one part per segment, or max_decode_parts runs of
/// consecutive segments for a longer entry. False (nothing changed) otherwise. A blob that
/// is not a valid container is left to a worker, which answers the error.
bool split_decode(pool_pointer self, queued_job& q) {
  auto& st = self->state;
  if (q.spec.kind != job_kind::decode || q.spec.segment >= 0 || !q.spec.input.data ||
      live_workers(st) < 2)
    return false;
  const auto& bytes = *q.spec.input.data;
  if (!codec::opus_segmented_format::has_magic(bytes.data(), bytes.size()))
    return false;
  std::optional<codec::opus_segmented_format> view;
  try {
    view = codec::opus_segmented_format::parse(bytes);
  } catch (const codec::codec_error&) {
    return false;
  }
  if (view->segment_count() < 2)
    return false;
  // Small parts let an idle worker take them one after another while a busy worker joins
  // when it frees, instead of one part of a few segments waiting behind a long job.
  // Part p goes on from where part p - 1 stopped and takes segments until one starts at or
  // past (p + 1) * frames / parts; every part gets at least one, the last the rest (with
  // parts == segments: exactly one each).
  const std::uint32_t segments = view->segment_count();
  const std::uint32_t parts = std::min(segments, max_decode_parts);
  const std::uint64_t frames = view->frame_count();
  auto split = std::make_unique<pool_state::split_job>();
  std::uint32_t k = 0;
  for (std::uint32_t p = 0; p < parts; ++p) {
    const std::uint64_t end = frames * (p + 1) / parts; // where this part should end
    const std::uint32_t limit = segments - (parts - p - 1); // one segment left per later part
    const std::uint32_t first = k;
    std::uint32_t part_frames = 0;
    do {
      part_frames += view->segment_at(k).frame_count;
      ++k;
    } while (k < limit && (p + 1 == parts || view->segment_at(k).first_frame < end));
    split->first_segments.push_back(first);
    split->segment_counts.push_back(k - first);
    split->first_frames.push_back(view->segment_at(first).first_frame);
    split->frame_counts.push_back(part_frames);
  }
  split->spec = std::move(q.spec);
  auto& job = st.jobs.at(q.id);
  job.running = true;
  job.split = std::move(split);
  st.running_by_identity[job.identity] = q.id;
  st.splitting.push_back(q.id);
  ++st.counters.split;
  return true;
}

/// Whether idle worker `slot` may start work that must leave `keep` other general workers
/// idle: always with listener workers (they serve listeners), with keep 0, or with no more
/// general workers than `keep` (the work would never run); else only when at least `keep`
/// other general workers are idle.
bool leaves_idle(const pool_state& st, std::size_t slot, std::size_t keep) {
  if (st.settings.listener_workers > 0 || keep == 0)
    return true;
  std::size_t general = 0, idle = 0;
  for (std::size_t i = 0; i < st.workers.size(); ++i) {
    if (st.workers[i].listener_only || st.workers[i].gone)
      continue;
    ++general;
    idle += st.workers[i].job == 0 && i != slot ? 1 : 0;
  }
  return general <= keep || idle >= keep;
}

/// Whether idle worker `slot` may start a background job: when another general worker
/// stays idle (see leaves_idle).
bool may_start_background(const pool_state& st, std::size_t slot) {
  return leaves_idle(st, slot, 1);
}

/// Whether idle worker `slot` may start a job of priority l1, l2 or l3: when
/// settings.reserved_workers other general workers stay idle (see leaves_idle).
bool may_start_speculative(const pool_state& st, std::size_t slot) {
  return leaves_idle(st, slot, st.settings.reserved_workers);
}

/// Starts the most urgent work on idle worker `slot`: a part of a split job, or else the
/// most urgent queued job nobody has given up on. False when there is nothing to start.
bool start_next(pool_pointer self, std::size_t slot) {
  auto& st = self->state;
  const bool listener_only = st.workers[slot].listener_only;
  for (;;) {
    const std::uint64_t split = next_split(self);
    const auto top = st.queue.top_priority();
    if (split != 0 && st.workers[slot].host.empty() &&
        (!top || st.jobs.at(split).split->spec.priority <= *top) &&
        (!listener_only || st.jobs.at(split).split->spec.priority == job_priority::immediate)) {
      start_part(self, slot, split);
      return true;
    }
    if (listener_only && top != job_priority::immediate)
      return false;
    if (top == job_priority::background && !may_start_background(st, slot))
      return false;
    // A render of the chunk this worker holds the span of costs the chain alone (a few ms).
    const auto span = st.workers[slot].span;
    auto reuses_span = [span](const job_identity& j) {
      return j.kind == job_kind::render && j.key.track_id == span.first &&
             j.key.chunk_idx == span.second;
    };
    std::optional<queued_job> q;
    if (top != job_priority::immediate && top != job_priority::background &&
        !may_start_speculative(st, slot)) {
      // The reservation keeps long speculative work off the last idle workers; a render
      // that reuses this worker's span is too short to keep a listener waiting, so it runs.
      if (span.first < 0 || !(q = st.queue.pop_first(reuses_span, job_priority::l3)))
        return false;
    } else {
      const auto lowest =
        top == job_priority::immediate ? job_priority::immediate : job_priority::l3;
      q = span.first < 0 || top == job_priority::background
            ? st.queue.pop()
            : st.queue.pop_preferring(reuses_span, lowest);
    }
    if (!q)
      return false;
    auto it = st.jobs.find(q->id);
    if (it == st.jobs.end() || it->second.waiters.empty()) {
      if (it != st.jobs.end())
        st.jobs.erase(it);
      continue;
    }
    if (split_decode(self, *q))
      continue; // its first part is now the most urgent work
    start_on(self, slot, std::move(*q));
    return true;
  }
}

/// Whether the job queued with `identity` has immediate priority.
bool is_queued_immediate(const pool_state& st, const job_identity& identity) {
  return st.queue.priority_of(identity) == job_priority::immediate;
}

/// Sheds the least urgent queued speculative jobs while the queue is over its caps; their
/// waiters get engine_errc::overloaded.
void shed_for_room(pool_pointer self) {
  auto& st = self->state;
  while (st.queue.speculative() > st.settings.max_queued_speculative ||
         st.queue.speculative_bytes() > st.settings.max_queued_bytes) {
    const auto id = st.queue.shed_least_urgent();
    if (!id)
      return;
    ++st.counters.shed;
    finish_job(self, *id, [](auto& promise) {
      promise.deliver(make_overload_error(
        "the engine is overloaded: the queued speculative job was shed for more urgent work",
        1));
    });
  }
}

/// Starts work on idle workers, most urgent first: listener workers (the first slots)
/// take immediate work; the others take whatever is most urgent.
void dispatch(pool_pointer self) {
  auto& st = self->state;
  for (std::size_t slot = 0; slot < st.workers.size(); ++slot)
    if (!st.workers[slot].gone && st.workers[slot].job == 0 && !start_next(self, slot) &&
        !st.workers[slot].listener_only)
      return;
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
                                              std::int64_t chunk_frames, int nice) {
  (void) self;
  auto runner = std::make_shared<job_runner>(opus, std::move(presets), chunk_frames);
  auto niced = std::make_shared<bool>(nice <= 0);
  return {
    [runner, niced, nice](run_atom, const job_spec& spec) -> caf::result<job_output> {
      if (!*niced) {
        // Linux: a thread's niceness is its own (PRIO_PROCESS with the thread id).
        *niced = true;
        if (setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice) != 0)
          spdlog::warn("worker: cannot lower the thread's priority to nice {}", nice);
      }
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
    [runner](release_atom) {
      runner->release_buffers();
      malloc_trim(0);
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
  settings.max_queued_speculative = std::max<std::size_t>(1, settings.max_queued_speculative);
  self->state.settings = settings;
  self->state.admission =
    pool_admission(settings.assumed_job_ms, static_cast<double>(settings.admission_ms.count()));
  self->state.settings.background_nice = std::clamp(settings.background_nice, 0, 19);
  for (std::size_t i = 0; i < settings.listener_workers; ++i)
    self->state.workers.push_back(local_slot(spawn_worker(self, self->state.workers.size(), true), true));
  const std::size_t n = std::max<std::size_t>(settings.accept_remote ? 0 : 1, settings.workers);
  for (std::size_t i = 0; i < n; ++i)
    self->state.workers.push_back(
      local_slot(spawn_worker(self, self->state.workers.size(), false), false));
  // Only remote workers are monitored: a local one that dies fails its request instead.
  self->set_down_handler([self](const caf::down_msg& msg) {
    auto& st = self->state;
    for (std::size_t slot = 0; slot < st.workers.size(); ++slot)
      if (!st.workers[slot].host.empty() && !st.workers[slot].gone &&
          st.workers[slot].handle.address() == msg.source)
        give_up_remote(self, slot, "its connection ended: " + self->system().render(msg.reason));
    dispatch(self);
    arm_idle_release(self);
  });

  return {
    [self](submit_atom, job_spec& spec) -> caf::typed_response_promise<job_output> {
      auto& st = self->state;
      ++st.counters.submitted;
      // Work arrives: the idle period ends (a timer still under way is ignored).
      ++st.idle_period;
      st.idle_armed = false;
      const job_identity identity{spec.kind, spec.key};
      const auto timeout = st.settings.timeouts[static_cast<std::size_t>(spec.priority)];
      auto promise = self->make_response_promise<job_output>();
      std::uint64_t id = 0;
      auto running = st.running_by_identity.find(identity);
      if (spec.priority == job_priority::immediate && running == st.running_by_identity.end()) {
        // New immediate work (or a queued speculative job raised to immediate): refused at
        // once when the pool could not finish it in time.
        if (!is_queued_immediate(st, identity)) {
          // A worker running background work counts as idle: it never refuses a listener.
          std::size_t idle = 0;
          for (const auto& w : st.workers) {
            if (w.gone)
              continue;
            const auto running_job = w.job == 0 ? st.jobs.end() : st.jobs.find(w.job);
            idle += w.job == 0 ||
                        (running_job != st.jobs.end() && running_job->second.background)
                      ? 1
                      : 0;
          }
          if (auto retry = st.admission.refuse(st.queue.immediate(), idle, live_workers(st))) {
            ++st.counters.refused;
            promise.deliver(make_overload_error(
              "the engine is overloaded: " + std::to_string(st.queue.immediate()) +
                " listeners' jobs wait for " + std::to_string(live_workers(st)) +
                " workers; retry in " + std::to_string(*retry) + " s",
              *retry));
            arm_idle_release(self);
            return promise;
          }
        }
      }
      if (running != st.running_by_identity.end()) {
        id = running->second;
        ++st.counters.joined;
        if (auto& split = st.jobs.at(id).split) {
          split->spec.priority = std::min(split->spec.priority, spec.priority);
          split->spec.probability = std::max(split->spec.probability, spec.probability);
        }
      } else {
        const std::uint64_t input_bytes = payload_bytes(spec.input);
        const auto pushed = st.queue.push(st.next_job, std::move(spec));
        id = pushed.id;
        if (pushed.joined) {
          ++st.counters.joined;
        } else {
          auto& job = st.jobs[id];
          job.identity = identity;
          job.input_bytes = input_bytes;
          ++st.next_job;
        }
      }
      const auto waiter_id = st.next_waiter++;
      st.jobs[id].waiters.push_back({waiter_id, promise});
      st.waiter_job[waiter_id] = id;
      self->delayed_send(self, timeout, expire_atom::value, waiter_id);
      // Work that can start now does not wait: only what stays queued counts against the caps.
      dispatch(self);
      shed_for_room(self);
      arm_idle_release(self);
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
      self->state.counters.pruned += ids.size();
      return cancel_jobs(self, ids, "the planner no longer wants the queued render");
    },
    [self](stats_atom) {
      auto& st = self->state;
      pool_report r = st.counters;
      r.workers = live_workers(st);
      r.busy = 0;
      for (const auto& w : st.workers)
        r.busy += w.job != 0 ? 1 : 0;
      const auto counts = st.queue.counts_by_priority();
      r.queued.assign(counts.begin(), counts.end());
      r.queued_bytes = st.queue.input_bytes();
      r.running_bytes = 0;
      for (const auto& [id, job] : st.jobs) {
        if (job.running)
          r.running_bytes += job.input_bytes;
        if (job.split && job.split->pcm)
          r.running_bytes += job.split->pcm->held_bytes();
      }
      for (const auto& w : st.workers) {
        r.worker_jobs.push_back(w.done);
        r.worker_listener_only.push_back(w.listener_only ? 1 : 0);
        r.worker_hosts.push_back(w.host);
        r.worker_gone.push_back(w.gone ? 1 : 0);
        r.worker_round_trip_ms.push_back(
          w.round_trips > 0 ? w.round_trip_ms / static_cast<double>(w.round_trips) : 0.0);
      }
      r.max_queued = st.settings.max_queued_speculative;
      r.max_queued_bytes = st.settings.max_queued_bytes;
      r.job_ms = st.admission.job_ms();
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
      } else if (job.waiters.empty() && job.split) {
        // Nobody waits for the decode any more: start no more of its parts.
        auto& split = *job.split;
        split.next = static_cast<std::uint32_t>(split.frame_counts.size());
        ++st.counters.cancelled;
        // A new request for the same entry starts afresh instead of joining this one.
        st.running_by_identity.erase(job.identity);
        if (split.running == 0)
          st.jobs.erase(job_id);
      }
      arm_idle_release(self);
    },
    [self](release_atom, std::uint64_t period) {
      auto& st = self->state;
      // A timer of an earlier period (work came meanwhile) does nothing: its own period's
      // timer follows when that work is done.
      if (period != st.idle_period || !is_idle(st))
        return;
      for (auto& w : st.workers) {
        if (w.gone)
          continue;
        self->send(w.handle, release_atom::value);
        w.span = {-1, -1};
      }
      ++st.counters.released;
      spdlog::debug("worker-pool: idle for {} ms; {} workers release their buffers",
                    st.settings.idle_release.count(), live_workers(st));
    },
    [self](join_atom, remote_workers& joining) {
      auto& st = self->state;
      for (auto& handle : joining.workers) {
        if (!handle)
          continue;
        pool_state::worker_slot w;
        w.handle = std::move(handle);
        w.host = joining.host.empty() ? std::string("remote") : joining.host;
        const auto slot = st.workers.size();
        if (st.settings.probes)
          w.probe = st.settings.probes->make(
            "remote-" + std::to_string(slot) + "@" + w.host, "remote_worker");
        self->monitor(w.handle);
        st.workers.push_back(std::move(w));
      }
      spdlog::info("worker-pool: {} remote workers of {} joined ({} workers now)",
                   joining.workers.size(), joining.host, live_workers(st));
      dispatch(self);
    },
    [self](lost_atom, std::uint64_t slot, std::uint64_t id) {
      auto& st = self->state;
      if (slot >= st.workers.size() || st.workers[slot].gone || st.workers[slot].job != id)
        return; // answered in time
      give_up_remote(self, static_cast<std::size_t>(slot),
                     "no answer within half the job's timeout");
      dispatch(self);
      arm_idle_release(self);
    },
  };
}

} // namespace auralis::actors
