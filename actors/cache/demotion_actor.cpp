#include "actors/cache/demotion_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/engine_error.hpp"

namespace auralis::actors {

namespace {

using demotion_pointer = demotion_sink::stateful_pointer<demotion_state>;

/// Stores `payload` under `key` in L3 and counts the outcome: in `counter` (stored or
/// refreshed) when L3 took it, in failed when it refused it or did not answer.
void put_into_l3(demotion_pointer self, const cache_key& key, audio_payload payload,
                 double probability, std::uint64_t demotion_state::*counter) {
  self->request(self->state.l3, caf::infinite, caf::put_atom::value, key, std::move(payload),
                probability)
    .then(
      [self, counter](const put_reply& r) {
        if (r.status == put_status::too_large)
          ++self->state.failed;
        else
          ++(self->state.*counter);
      },
      [self](const caf::error&) { ++self->state.failed; });
}

/// Compresses one entry taken from the backlog on the pool and stores the blob in L3;
/// `done` releases its slot and bytes once the encode is back or failed.
template <class Done>
void encode_into_l3(demotion_pointer self, demotion_backlog::taken item, std::uint64_t epoch,
                    Done done) {
  auto& st = self->state;
  const double probability = item.entry.probability;
  job_spec job;
  job.kind = job_kind::encode;
  job.key = item.entry.key;
  job.priority = job_priority::l3;
  job.probability = probability;
  job.input = std::move(item.entry.payload);
  self->request(st.pool, caf::infinite, submit_atom::value, std::move(job))
    .then(
      [self, probability, epoch, done](job_output& out) {
        done();
        if (self->state.epoch_of(out.key.track_id) != epoch) {
          ++self->state.invalidated; // the track changed while it was encoded
          return;
        }
        put_into_l3(self, out.key, std::move(out.output), probability, &demotion_state::stored);
      },
      [self, key = item.entry.key, epoch, done](const caf::error& err) {
        if (self->state.epoch_of(key.track_id) != epoch) {
          ++self->state.invalidated; // cancelled with its track, most likely
          done();
          return;
        }
        ++self->state.failed;
        const auto code = static_cast<engine_errc>(engine_code_of(err));
        // A pool that sheds speculative work has no room for the entries waiting
        // behind this one either: holding their PCM would only hold memory.
        if (code == engine_errc::overloaded)
          self->state.backlog.drop_waiting();
        done();
        // An overloaded pool sheds speculative work by design: counted, not logged.
        if (code != engine_errc::overloaded && code != engine_errc::cancelled)
          spdlog::warn("demotion: {} could not be compressed: {}", to_string(key),
                       self->system().render(err));
      });
}

/// Takes the most likely waiting entries while fewer than max_in_flight are being handled.
/// An entry L3 already holds is put back there (restarting its age) instead of encoded.
void pump(demotion_pointer self) {
  auto& st = self->state;
  while (st.in_flight < st.settings.max_in_flight) {
    auto next = st.backlog.take();
    if (!next)
      return;
    ++st.in_flight;
    const std::uint64_t bytes = next->bytes;
    // The PCM is released as soon as the encode is back (or failed): the blob alone is
    // stored, and the next entry goes on.
    auto done = [self, bytes] {
      auto& st = self->state;
      st.backlog.release(bytes);
      --st.in_flight;
      pump(self);
    };
    const auto key = next->entry.key;
    const std::uint64_t epoch = st.epoch_of(key.track_id);
    self->request(st.l3, caf::infinite, caf::get_atom::value, key, false)
      .then(
        [self, item = std::move(*next), epoch, done](get_reply& g) mutable {
          if (self->state.epoch_of(item.entry.key.track_id) != epoch) {
            ++self->state.invalidated; // the track changed while L3 was asked
            done();
            return;
          }
          if (!g.found) {
            encode_into_l3(self, std::move(item), epoch, done);
            return;
          }
          const double probability = item.entry.probability;
          const cache_key key = item.entry.key;
          item.entry.payload = audio_payload{}; // the PCM is not needed
          done();
          put_into_l3(self, key, std::move(g.payload), probability, &demotion_state::refreshed);
        },
        [self, done](const caf::error&) {
          ++self->state.failed;
          done();
        });
  }
}

} // namespace

demotion_sink::behavior_type demotion_actor_impl(demotion_sink::stateful_pointer<demotion_state> self,
                                                 worker_pool_actor pool, tier_actor l3,
                                                 demotion_settings settings) {
  auto& st = self->state;
  st.pool = std::move(pool);
  st.l3 = std::move(l3);
  if (settings.max_in_flight == 0)
    settings.max_in_flight = 1;
  st.settings = settings;
  st.backlog = demotion_backlog(settings.budget_bytes);
  return {
    [self](demote_atom, tier_departure& d) {
      ++self->state.received;
      self->state.backlog.push(std::move(d));
      pump(self);
    },
    [self](invalidate_atom, std::int64_t track_id) {
      auto& st = self->state;
      ++st.epochs[track_id];
      const std::uint64_t dropped = st.backlog.drop_track(track_id);
      st.invalidated += dropped;
      return dropped;
    },
    [self](stats_atom) {
      const auto& st = self->state;
      demotion_report r;
      r.received = st.received;
      r.stored = st.stored;
      r.refreshed = st.refreshed;
      r.failed = st.failed;
      r.dropped = st.backlog.dropped();
      r.invalidated = st.invalidated;
      r.waiting = st.backlog.size();
      r.in_flight = st.in_flight;
      r.backlog_bytes = st.backlog.bytes();
      r.budget_bytes = st.backlog.budget();
      return r;
    },
  };
}

} // namespace auralis::actors
