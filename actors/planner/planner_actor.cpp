#include "actors/planner/planner_actor.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/cache/tier_requests.hpp"
#include "actors/common/engine_error.hpp"
#include "actors/common/session_id.hpp"
#include "actors/planner/fetch_path.hpp"

namespace auralis::actors {

namespace planner_detail {

/// Runs `cont` once the track's info and analysis are held (or with the error that
/// prevented it).
void with_track(planner_pointer self, std::int64_t track_id,
                std::function<void(const caf::error&)> cont) {
  auto& st = self->state;
  auto& slot = st.tracks[track_id];
  if (slot.ready) {
    cont(caf::error{});
    return;
  }
  slot.waiting.push_back(std::move(cont));
  if (slot.waiting.size() > 1)
    return; // already loading
  const auto epoch = st.epoch_of(track_id);
  auto finish = [self, track_id, epoch](const caf::error& err) {
    auto& st = self->state;
    auto it = st.tracks.find(track_id);
    if (it == st.tracks.end())
      return;
    auto waiting = std::move(it->second.waiting);
    it->second.waiting.clear();
    if (err || st.epoch_of(track_id) != epoch) {
      st.tracks.erase(it);
      const auto e = err ? err
                         : make_engine_error(engine_errc::cancelled,
                                             "track " + std::to_string(track_id) +
                                               " was invalidated while loading");
      for (auto& w : waiting)
        w(e);
      return;
    }
    it->second.ready = true;
    st.failed_tracks.erase(track_id); // loaded afresh: plan it again
    for (auto& w : waiting)
      w(caf::error{});
  };
  self->request(st.settings.library, st.settings.ask_timeout, caf::get_atom::value, track_id)
    .then(
      [self, track_id, finish](track_info& info) {
        self->request(self->state.settings.library, caf::infinite, analysis_atom::value,
                      track_id)
          .then(
            [self, track_id, finish, info](track_analysis& a) mutable {
              auto& st = self->state;
              auto it = st.tracks.find(track_id);
              if (it != st.tracks.end()) {
                auto& slot = it->second;
                st.paths[track_id] = info.abs_path;
                slot.info = std::move(info);
                slot.features = std::move(a.chunks);
                slot.gain_db.clear();
                for (const auto& [name, chain] : st.chains) {
                  double lufs = std::nan("");
                  for (std::size_t i = 0; i < a.presets.size() && i < a.pre_gain_lufs.size(); ++i)
                    if (a.presets[i] == name)
                      lufs = a.pre_gain_lufs[i];
                  slot.gain_db[name] = chain->loudness_gain_db(lufs);
                }
              }
              finish(caf::error{});
            },
            [finish](caf::error& err) { finish(err); });
      },
      [finish](caf::error& err) { finish(err); });
}

/// Logs a failed job once per file; a changed or vanished file drops the track's data so
/// its next use reloads it, and the track is left out of plans until then.
void note_failure(planner_pointer self, const cache_key& key, const caf::error& err) {
  auto& st = self->state;
  const auto code = static_cast<engine_errc>(engine_code_of(err));
  if (code == engine_errc::cancelled || code == engine_errc::timed_out ||
      code == engine_errc::overloaded)
    return;
  std::string file = "track " + std::to_string(key.track_id);
  if (auto it = st.paths.find(key.track_id); it != st.paths.end())
    file = it->second;
  if (st.logged_files.insert(file).second)
    spdlog::warn("planner: rendering {} failed ({}): {}", to_string(key), file,
                 self->system().render(err));
  if (code == engine_errc::unreadable_file || code == engine_errc::source_changed ||
      code == engine_errc::unknown_chunk) {
    st.failed_tracks.insert(key.track_id);
    if (auto it = st.tracks.find(key.track_id); it != st.tracks.end() && it->second.ready)
      st.tracks.erase(it);
  }
}

/// A render job for `key` at `priority`; the track must be ready.
job_spec render_spec(planner_pointer self, const cache_key& key, job_priority priority,
                     double probability) {
  const auto& slot = self->state.tracks.at(key.track_id);
  job_spec spec;
  spec.kind = job_kind::render;
  spec.key = key;
  spec.priority = priority;
  spec.probability = probability;
  spec.source = source_ref{slot.info.abs_path, slot.info.size, slot.info.mtime_ns,
                           slot.info.frames};
  if (auto it = slot.gain_db.find(key.preset); it != slot.gain_db.end())
    spec.loudness_gain_db = it->second;
  return spec;
}

/// Puts `payload` into tier `t`; the reply only matters for logs.
void put_into(planner_pointer self, tier_id t, const cache_key& key, audio_payload payload,
              double probability) {
  const auto& st = self->state;
  self->request(tier_of(st.settings, t), st.settings.ask_timeout, caf::put_atom::value, key,
                std::move(payload), probability)
    .then(
      [self, key, t](const put_reply& r) {
        if (r.status == put_status::too_large)
          spdlog::warn("planner: {} is too large for {}", to_string(key), tier_label(t));
        for (const auto& d : r.evicted)
          if (self->state.wanted.find(d.key))
            self->state.crowded_out.insert(d.key);
      },
      [self, key](const caf::error& err) {
        spdlog::warn("planner: storing {} failed: {}", to_string(key),
                     self->system().render(err));
      });
}

} // namespace planner_detail

namespace {

using namespace planner_detail;

double seconds_since_epoch() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

const std::string& session_name(const std::string& id) {
  static const std::string fallback = "default";
  return id.empty() ? fallback : id;
}

void request_plan(planner_pointer self);

/// A planner job finished (or failed): forget it and plan again.
void job_done(planner_pointer self, const cache_key& key) {
  self->state.in_flight.erase(key);
  request_plan(self);
}

/// A planner job failed with `err`. A job the overloaded pool shed is forgotten without
/// planning again at once (the next position, fetch or finished job plans again): an
/// immediate round would submit it again only to be shed again.
void job_failed(planner_pointer self, const cache_key& key, const caf::error& err) {
  note_failure(self, key, err);
  if (static_cast<engine_errc>(engine_code_of(err)) == engine_errc::overloaded)
    self->state.in_flight.erase(key);
  else
    job_done(self, key);
}

/// A planner render of `key` is being stored into a tier: it counts as unfetched until a
/// client fetches it (see planner_report).
void note_stored(planner_pointer self, const cache_key& key) {
  auto& st = self->state;
  ++st.counters.renders_stored;
  st.unfetched[key] = planner_state::time_point{};
}

/// Counts as wasted the unfetched renders that no tier has held, nor been about to receive,
/// for 10 s or more (a demotion on its way into L3 takes a moment), given what the tiers
/// hold now (`held`).
void account_unfetched(planner_pointer self, const std::array<std::vector<entry_record>, 3>& held) {
  auto& st = self->state;
  if (st.unfetched.empty())
    return;
  std::set<cache_key> in_tiers;
  for (const auto& list : held)
    for (const auto& e : list)
      in_tiers.insert(e.key);
  const auto now = st.now();
  for (auto it = st.unfetched.begin(); it != st.unfetched.end();) {
    if (in_tiers.count(it->first) || st.in_flight.count(it->first)) {
      it->second = planner_state::time_point{};
    } else if (it->second == planner_state::time_point{}) {
      it->second = now;
    } else if (now - it->second >= std::chrono::seconds(10)) {
      ++st.counters.renders_wasted;
      it = st.unfetched.erase(it);
      continue;
    }
    ++it;
  }
}

/// Encodes PCM of `key` and puts the blob into L3 if it is still wanted there.
void encode_into_l3(planner_pointer self, const cache_key& key, audio_payload pcm,
                    std::uint64_t epoch) {
  job_spec spec;
  spec.kind = job_kind::encode;
  spec.key = key;
  spec.priority = job_priority::l3;
  spec.probability = 0;
  if (const auto* w = self->state.wanted.find(key))
    spec.probability = w->second;
  spec.input = std::move(pcm);
  self->request(self->state.settings.pool, caf::infinite, submit_atom::value, std::move(spec))
    .then(
      [self, key, epoch](job_output& out) {
        auto& st = self->state;
        const auto* w = st.epoch_of(key.track_id) == epoch ? st.wanted.find(key) : nullptr;
        if (w != nullptr) {
          note_stored(self, key);
          put_into(self, tier_id::l3, key, std::move(out.output), w->second);
        } else {
          ++st.counters.renders_discarded;
        }
        job_done(self, key);
      },
      [self, key](caf::error& err) { job_failed(self, key, err); });
}

/// Renders `key` for tier `t` (L3: then encodes it).
/// Room entries render at l3 priority, behind every rule's job.
void submit_render(planner_pointer self, const cache_key& key, tier_id t, double probability,
                   bool room = false) {
  auto& st = self->state;
  const auto epoch = st.epoch_of(key.track_id);
  st.in_flight[key] = pending_job{t, epoch, room};
  ++st.counters.renders_submitted;
  const auto priority = room || t == tier_id::l3 ? job_priority::l3
                        : t == tier_id::l2       ? job_priority::l2
                                                 : job_priority::l1;
  self->request(st.settings.pool, caf::infinite, submit_atom::value,
                render_spec(self, key, priority, probability))
    .then(
      [self, key, epoch](job_output& out) {
        auto& st = self->state;
        const auto* w = st.wanted.find(key);
        if (st.epoch_of(key.track_id) != epoch || w == nullptr) {
          ++st.counters.renders_discarded;
          job_done(self, key); // nobody wants it any more: it must not push others out
          return;
        }
        if (w->first == tier_id::l3) {
          encode_into_l3(self, key, std::move(out.output), epoch);
          return;
        }
        note_stored(self, key);
        put_into(self, w->first, key, std::move(out.output), w->second);
        job_done(self, key);
      },
      [self, key](caf::error& err) {
        ++self->state.counters.renders_failed;
        job_failed(self, key, err);
      });
}

/// Copies an L3 entry into L1 ahead of its fetch (decoded at L1 priority).
void submit_promotion(planner_pointer self, const cache_key& key, double probability) {
  auto& st = self->state;
  const auto epoch = st.epoch_of(key.track_id);
  st.in_flight[key] = pending_job{tier_id::l1, epoch};
  self->request(st.settings.l3, st.settings.ask_timeout, caf::get_atom::value, key, false)
    .then(
      [self, key, epoch, probability](get_reply& g) {
        if (!g.found) {
          job_done(self, key);
          return;
        }
        job_spec spec;
        spec.kind = job_kind::decode;
        spec.key = key;
        spec.priority = job_priority::l1;
        spec.probability = probability;
        spec.input = std::move(g.payload);
        self->request(self->state.settings.pool, caf::infinite, submit_atom::value,
                      std::move(spec))
          .then(
            [self, key, epoch](job_output& out) {
              auto& st = self->state;
              if (st.epoch_of(key.track_id) == epoch)
                if (const auto* w = st.wanted.find(key); w && w->first == tier_id::l1) {
                  ++st.counters.promotions;
                  put_into(self, tier_id::l1, key, std::move(out.output), w->second);
                }
              job_done(self, key);
            },
            [self, key](caf::error& err) { job_failed(self, key, err); });
      },
      [self, key](caf::error& err) {
        self->state.dropped.note("taking " + to_string(key) + " from L3 to decode",
                                 self->system().render(err));
        job_done(self, key);
      });
}

/// Sends the tiers the probability updates of select_jobs over their listings `held`,
/// submits the jobs it selects, and has the pool drop queued jobs nobody wants any more.
void apply_plan(planner_pointer self, const std::array<std::vector<entry_record>, 3>& held) {
  auto& st = self->state;
  account_unfetched(self, held);
  // A key that a fetch wanting the stream is still serving is left to that fetch: on a miss
  // it renders the key itself, with the stream (which a planner render submitted first, and
  // joined by the fetch's, would lack), and a fetch that succeeds leaves the chunk held (in
  // L2, or stored in L1).
  auto plannable = [&st](const cache_key& k) {
    return st.track_plannable(k.track_id) && !st.crowded_out.count(k) &&
           !st.stream_fetches.count(k);
  };
  const job_caps caps{st.settings.l2_jobs_in_flight, st.settings.l3_jobs_in_flight,
                      st.settings.room_jobs_in_flight};
  auto selection = select_jobs(st.wanted, *st.builder, held, st.in_flight, plannable, caps);
  for (std::size_t t = 0; t < 3; ++t)
    if (!selection.updates[t].keys.empty())
      self->send(tier_of(st.settings, static_cast<tier_id>(t)), update_atom::value,
                 std::move(selection.updates[t]));
  for (const auto& job : selection.jobs) {
    if (job.action == job_action::promote)
      submit_promotion(self, job.key, job.probability);
    else
      submit_render(self, job.key, job.target, job.probability, job.room);
  }
  // Stale work goes before it starts.
  self->request(st.settings.pool, st.settings.ask_timeout, prune_atom::value, st.wanted.keys())
    .then([](std::uint64_t) {},
          [self](caf::error& err) {
            self->state.dropped.note("pruning stale jobs", self->system().render(err));
          });
}

/// Has L1 and L2 forget track `track_id`, then the demotion path, then L3, and answers
/// `rp` with the entries the tiers removed (or the first error). The order matters: every
/// departure L1 and L2 sent before they forgot the track is in the demotion actor's mailbox
/// before the invalidation, and every entry the demotion actor sent to L3 before it forgot
/// the track is in L3's mailbox before L3's, so no stale audio reaches L3 afterwards.
void invalidate_everywhere(planner_pointer self, std::int64_t track_id,
                           caf::typed_response_promise<std::uint64_t> rp) {
  struct tally {
    std::uint64_t removed = 0;
    int pending = 2;
    caf::error err;
  };
  auto t = std::make_shared<tally>();
  const auto timeout = self->state.settings.ask_timeout;
  auto l3_last = [self, track_id, rp, t, timeout]() mutable {
    self->request(self->state.settings.l3, timeout, invalidate_atom::value, track_id)
      .then(
        [rp, t](std::uint64_t n) mutable {
          if (t->err)
            rp.deliver(t->err);
          else
            rp.deliver(t->removed + n);
        },
        [rp](caf::error& err) mutable { rp.deliver(err); });
  };
  auto demotion_next = [self, track_id, t, timeout, l3_last]() mutable {
    if (!self->state.settings.demotion) {
      l3_last();
      return;
    }
    self->request(self->state.settings.demotion, timeout, invalidate_atom::value, track_id)
      .then([l3_last](std::uint64_t) mutable { l3_last(); },
            [self, track_id, l3_last](caf::error& err) mutable {
              self->state.dropped.note("telling the demotion path of track " +
                                         std::to_string(track_id) + "'s invalidation",
                                       self->system().render(err));
              l3_last();
            });
  };
  for (auto tier : {tier_id::l1, tier_id::l2}) {
    auto done = [t, demotion_next]() mutable {
      if (--t->pending == 0)
        demotion_next();
    };
    self->request(tier_of(self->state.settings, tier), timeout, invalidate_atom::value, track_id)
      .then([t, done](std::uint64_t n) mutable { t->removed += n, done(); },
            [t, done](caf::error& err) mutable { t->err = err, done(); });
  }
}

void finish_round(planner_pointer self) {
  auto& st = self->state;
  st.planning = false;
  if (st.replan) {
    st.replan = false;
    request_plan(self);
  }
}

/// One planning round: the wanted set, what the tiers hold, then updates and jobs.
void run_plan(planner_pointer self) {
  auto& st = self->state;
  const auto now = st.now();
  const auto idle = std::chrono::duration_cast<wall_clock::duration>(
    std::chrono::duration<double>(st.settings.session_idle_timeout_s));
  std::vector<planned_session> sessions;
  for (auto it = st.sessions.begin(); it != st.sessions.end();) {
    if (now - it->second.last_seen > idle) {
      it = st.sessions.erase(it);
      continue;
    }
    const auto& v = it->second.view;
    if (st.track_plannable(v.track_id)) {
      sessions.push_back(v);
      const auto next = it->second.next_track_id;
      sessions.back().next_track_id = next > 0 && st.track_plannable(next) ? next : 0;
    }
    ++it;
  }
  st.wanted = st.builder->plan(sessions);
  ++st.counters.rounds;
  using records = std::vector<entry_record>;
  ask_each_tier<records>(
    self, tiers_of(st.settings), st.settings.ask_timeout,
    [self](std::array<records, 3>& lists) {
      apply_plan(self, lists);
      finish_round(self);
    },
    [self](caf::error& err) {
      spdlog::warn("planner: a tier did not list its entries: {}", self->system().render(err));
      finish_round(self);
    },
    list_atom::value);
}

void request_plan(planner_pointer self) {
  auto& st = self->state;
  if (st.planning) {
    st.replan = true;
    return;
  }
  st.planning = true;
  run_plan(self);
}

/// Loads the track a session goes on to (its analysis, once) so that its first chunks can
/// be planned before the current track ends; re-plans when it is ready.
void prepare_next_track(planner_pointer self, std::int64_t track_id) {
  if (track_id <= 0)
    return;
  if (auto it = self->state.tracks.find(track_id); it != self->state.tracks.end() && it->second.ready)
    return;
  with_track(self, track_id, [self, track_id](const caf::error& err) {
    if (err)
      spdlog::debug("planner: next track {} cannot be prepared: {}", track_id,
                    self->system().render(err));
    else
      request_plan(self);
  });
}

/// Asks the predictor for a session's predictions and branch scenarios and re-plans.
/// Counted in planner_state::refreshing from the call until the session is updated (or
/// the chain failed).
void refresh_session(planner_pointer self, const std::string& session_id,
                     std::int64_t track_id, std::int64_t next_track_id) {
  ++self->state.refreshing;
  with_track(self, track_id, [self, session_id, track_id, next_track_id](const caf::error& err) {
    auto& st = self->state;
    if (err) {
      spdlog::warn("planner: session {} plays track {}, which cannot be used: {}", session_id,
                   track_id, self->system().render(err));
      st.sessions.erase(session_id);
      --st.refreshing;
      return;
    }
    const auto& slot = st.tracks.at(track_id);
    auto features = slot.features;
    auto chunks = slot.info.chunks;
    auto ask = [session_id, features](std::int64_t chunk_idx) {
      prediction_request r;
      r.session_id = session_id;
      const auto next = static_cast<std::size_t>(std::max<std::int64_t>(0, chunk_idx + 1));
      if (next < features.size()) {
        r.has_features = true;
        r.features = features[next];
      }
      return r;
    };
    auto it = st.sessions.find(session_id);
    const auto hint = it != st.sessions.end() ? it->second.view.chunk_idx : 0;
    self->request(st.settings.predictor, st.settings.ask_timeout, predict_atom::value, ask(hint))
      .then(
        [self, session_id, ask, chunks, next_track_id](prediction_reply& pr) {
          auto req = ask(pr.chunk_idx);
          self->request(self->state.settings.predictor, self->state.settings.ask_timeout,
                        branches_atom::value, req)
            .then(
              [self, session_id, chunks, pr, next_track_id](branch_plan& bp) {
                auto& st = self->state;
                auto& slot = st.sessions[session_id];
                slot.next_track_id = next_track_id;
                auto& v = slot.view;
                // A position in the chunk before the one fetched last, while the player
                // has fetched ahead, leaves the session where the fetch put it.
                const bool ahead = v.track_id == bp.track_id && v.playhead_chunk >= 0 &&
                                   v.playhead_chunk == bp.chunk_idx &&
                                   v.chunk_idx == bp.chunk_idx + 1;
                const auto chunk_idx = ahead ? v.chunk_idx : bp.chunk_idx;
                const bool moved = v.track_id != bp.track_id || v.chunk_idx != chunk_idx ||
                                   v.preset != bp.current_preset ||
                                   v.intensity_tenths != intensity_to_tenths(bp.intensity);
                v.session_id = session_id;
                v.track_id = bp.track_id;
                v.chunks = chunks;
                v.chunk_idx = chunk_idx;
                if (!ahead)
                  v.playhead_chunk = -1;
                v.preset = bp.current_preset;
                v.intensity_tenths = intensity_to_tenths(bp.intensity);
                v.mode = bp.mode;
                v.predictions = pr.predictions;
                v.scenarios = std::move(bp.scenarios);
                slot.last_seen = st.now();
                if (moved)
                  st.crowded_out.clear(); // a session moved: plan everything afresh
                --st.refreshing;
                request_plan(self);
                prepare_next_track(self, next_track_id);
              },
              [self](caf::error& err) {
                --self->state.refreshing;
                self->state.dropped.note("a session's branches", self->system().render(err));
              });
        },
        [self](caf::error& err) {
          --self->state.refreshing;
          self->state.dropped.note("a session's predictions", self->system().render(err));
        });
  });
}

/// The fetch tells where its session is: the session moves to the fetched chunk. True
/// when that changed what the plan is made from (a new session, another track, chunk,
/// preset or intensity); a fetch of the chunk the session is already at only marks it seen.
bool note_fetch(planner_pointer self, const fetch_request& req) {
  auto& st = self->state;
  const auto& key = req.key;
  if (st.unfetched.erase(key) > 0)
    ++st.counters.renders_fetched;
  const auto& id = session_name(req.session_id);
  const bool known = st.sessions.count(id) > 0;
  auto& slot = st.sessions[id];
  auto& v = slot.view;
  slot.last_seen = st.now();
  if (known && v.track_id == key.track_id && v.chunk_idx == key.chunk_idx &&
      v.preset == key.preset && v.intensity_tenths == key.intensity_tenths)
    return false;
  v.session_id = id;
  if (v.track_id != key.track_id || v.preset != key.preset) {
    v.predictions.erase(std::remove_if(v.predictions.begin(), v.predictions.end(),
                                       [&](const preset_probability& p) {
                                         return p.preset == key.preset;
                                       }),
                        v.predictions.end());
    if (v.track_id != key.track_id) {
      v.predictions.clear();
      v.scenarios.clear();
    }
  }
  // The next chunk of the same rendition is the player fetching ahead: the listener still
  // hears the chunk the session was at.
  const bool ahead = known && v.track_id == key.track_id && v.preset == key.preset &&
                     v.intensity_tenths == key.intensity_tenths &&
                     key.chunk_idx == v.chunk_idx + 1;
  v.playhead_chunk = ahead ? v.chunk_idx : -1;
  v.track_id = key.track_id;
  v.chunks = st.tracks.at(key.track_id).info.chunks;
  v.chunk_idx = key.chunk_idx;
  v.preset = key.preset;
  v.intensity_tenths = key.intensity_tenths;
  return true;
}

} // namespace

double planner_state::latency_window::median() const {
  if (samples.empty())
    return 0;
  std::vector<double> v(samples.begin(), samples.end());
  const auto mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  if (v.size() % 2 == 1)
    return v[mid];
  const double upper = v[mid];
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

planner_state::time_point planner_state::now() const {
  return settings.clock ? settings.clock() : std::chrono::steady_clock::now();
}

std::uint64_t planner_state::epoch_of(std::int64_t track_id) const {
  auto it = epochs.find(track_id);
  return it == epochs.end() ? 0 : it->second;
}

bool planner_state::track_plannable(std::int64_t track_id) const {
  auto it = tracks.find(track_id);
  return it != tracks.end() && it->second.ready && !failed_tracks.count(track_id);
}

planner_settings planner_settings::from(const config::engine_config& cfg) {
  planner_settings s;
  s.plan = wanted_set_settings::from(cfg);
  s.presets = cfg.presets.all();
  s.l2_jobs_in_flight = std::max(1, cfg.planner.l2_jobs_per_round);
  s.l3_jobs_in_flight = cfg.planner.l3_jobs_per_round;
  s.room_jobs_in_flight = std::max(0, cfg.planner.room_jobs_per_round);
  s.session_idle_timeout_s = cfg.predictor.session_idle_timeout_s;
  return s;
}

planner_actor::behavior_type
planner_actor_impl(planner_actor::stateful_pointer<planner_state> self,
                   planner_settings settings) {
  auto& st = self->state;
  for (const auto& p : settings.presets)
    st.chains[p.name] = std::make_unique<dsp::mastering_chain>(p);
  if (settings.plan.presets.empty())
    for (const auto& p : settings.presets)
      settings.plan.presets.push_back(p.name);
  st.builder = std::make_unique<wanted_set_builder>(settings.plan);
  st.settings = std::move(settings);
  if (st.settings.predictor)
    self
      ->request(st.settings.predictor, st.settings.ask_timeout, subscribe_atom::value,
                caf::actor_cast<mode_listener>(self))
      .then([](std::uint64_t) {},
            [self](caf::error& err) {
              spdlog::warn("planner: cannot subscribe to mode changes: {}",
                           self->system().render(err));
            });

  return {
    [self](position_atom, const position_update& u) -> caf::typed_response_promise<position_reply> {
      auto rp = self->make_response_promise<position_reply>();
      self->request(self->state.settings.predictor, self->state.settings.ask_timeout,
                    position_atom::value, u)
        .then(
          [self, rp, track_id = u.track_id, next = u.next_track_id](position_reply& r) mutable {
            if (r.accepted)
              refresh_session(self, r.session_id, track_id, next);
            rp.deliver(std::move(r));
          },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [self](fetch_atom, const fetch_request& req) -> caf::typed_response_promise<fetch_reply> {
      auto& st = self->state;
      auto ctx = std::make_shared<fetch_context>();
      ctx->request = req;
      ctx->promise = self->make_response_promise<fetch_reply>();
      ctx->start = wall_clock::now();
      const auto& key = req.key;
      if (!valid_session_id(req.session_id)) {
        ctx->promise.deliver(make_engine_error(
          engine_errc::invalid_argument,
          "session_id must be at most " + std::to_string(max_session_id_bytes) +
            " bytes without control characters"));
      } else if (!st.chains.count(key.preset)) {
        ctx->promise.deliver(
          make_engine_error(engine_errc::unknown_preset, "no preset named '" + key.preset + "'"));
      } else if (key.intensity_tenths < 0 || key.intensity_tenths > 10) {
        ctx->promise.deliver(
          make_engine_error(engine_errc::invalid_argument, "intensity must be within 0..1"));
      } else if (key.chunk_idx < 0) {
        ctx->promise.deliver(
          make_engine_error(engine_errc::unknown_chunk, "chunk index must be >= 0"));
      } else {
        // A failed track's data may be stale: reload it for this fetch. Once it loads, its
        // sessions are planned again even when the fetch does not move one.
        const bool retried = st.failed_tracks.count(key.track_id) > 0;
        if (retried)
          if (auto it = st.tracks.find(key.track_id);
              it != st.tracks.end() && it->second.ready)
            st.tracks.erase(it);
        with_track(self, key.track_id, [self, ctx, retried](const caf::error& err) {
          if (err) {
            ctx->promise.deliver(err);
            return;
          }
          const auto& key = ctx->request.key;
          const auto chunks = self->state.tracks.at(key.track_id).info.chunks;
          if (key.chunk_idx >= chunks) {
            ctx->promise.deliver(make_engine_error(
              engine_errc::unknown_chunk, "track " + std::to_string(key.track_id) + " has " +
                                            std::to_string(chunks) + " chunks"));
            return;
          }
          const bool moved = note_fetch(self, ctx->request);
          if (ctx->request.want_stream) {
            ++self->state.stream_fetches[key]; // the plan leaves the key to this fetch
            ctx->held_out = true;
          }
          serve_fetch(self, ctx);
          if (moved)
            self->state.crowded_out.clear(); // a session moved: plan everything afresh
          if (moved || retried)
            request_plan(self);
        });
      }
      return ctx->promise;
    },
    [self](latency_atom) {
      const auto& l = self->state.latency;
      tier_latency r;
      r.l1_ms = l[0].median();
      r.l2_ms = l[1].median();
      r.l3_ms = l[2].median();
      r.miss_ms = l[3].median();
      r.l1_samples = l[0].samples.size();
      r.l2_samples = l[1].samples.size();
      r.l3_samples = l[2].samples.size();
      r.miss_samples = l[3].samples.size();
      return r;
    },
    [self](stats_atom) {
      const auto& st = self->state;
      planner_report r = st.counters;
      r.wanted_l1 = st.wanted.l1.size();
      r.wanted_l2 = st.wanted.l2.size();
      r.wanted_l3 = st.wanted.l3.size();
      r.renders_pending = st.unfetched.size();
      r.sessions = st.sessions.size();
      r.in_flight = st.in_flight.size();
      for (const auto& [id, slot] : st.tracks)
        r.loading += slot.ready ? 0 : 1;
      for (const auto& [key, count] : st.stream_fetches)
        r.stream_fetches += count;
      r.planning = st.planning || st.replan;
      r.refreshing = st.refreshing;
      return r;
    },
    [self](invalidate_atom, std::int64_t track_id) -> caf::typed_response_promise<std::uint64_t> {
      auto& st = self->state;
      ++st.epochs[track_id];
      for (auto it = st.unfetched.begin(); it != st.unfetched.end();)
        if (it->first.track_id == track_id) {
          ++st.counters.renders_invalidated;
          it = st.unfetched.erase(it);
        } else {
          ++it;
        }
      if (auto it = st.tracks.find(track_id); it != st.tracks.end() && it->second.ready)
        st.tracks.erase(it);
      st.failed_tracks.erase(track_id);
      for (auto it = st.sessions.begin(); it != st.sessions.end();)
        it = it->second.view.track_id == track_id ? st.sessions.erase(it) : std::next(it);
      for (auto it = st.in_flight.begin(); it != st.in_flight.end();)
        it = it->first.track_id == track_id ? st.in_flight.erase(it) : std::next(it);
      self->request(st.settings.pool, st.settings.ask_timeout, cancel_atom::value, track_id)
        .then([](std::uint64_t) {},
              [self, track_id](caf::error& err) {
                self->state.dropped.note("cancelling the jobs of track " +
                                           std::to_string(track_id),
                                         self->system().render(err));
              });
      auto rp = self->make_response_promise<std::uint64_t>();
      invalidate_everywhere(self, track_id, rp);
      request_plan(self);
      return rp;
    },
    [self](mode_atom, const mode_change& m) {
      auto& st = self->state;
      if (st.settings.events) {
        engine_event e;
        e.kind = event_kind::mode_changed;
        e.timestamp = seconds_since_epoch();
        e.session_id = m.session_id;
        e.mode = to_string(m.to);
        self->send(st.settings.events, event_atom::value, std::move(e));
      }
      if (auto it = st.sessions.find(m.session_id); it != st.sessions.end()) {
        it->second.view.mode = m.to;
        request_plan(self);
      }
    },
    [self](budget_atom, std::uint64_t l1, std::uint64_t l2, std::uint64_t l3) {
      auto& st = self->state;
      if (st.builder->set_budgets(l1, l2, l3)) {
        st.crowded_out.clear(); // what did not fit may fit now
        request_plan(self);
      }
    },
  };
}

} // namespace auralis::actors
