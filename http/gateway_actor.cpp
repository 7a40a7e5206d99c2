#include "http/gateway_actor.hpp"

#include <algorithm>
#include <filesystem>
#include <time.h>

#include <caf/detail/type_traits.hpp>
#include <spdlog/spdlog.h>

#include "actors/cache/tier_requests.hpp"
#include "actors/common/engine_error.hpp"
#include "actors/memory/process_memory.hpp"
#include "http/api_json.hpp"
#include "http/bad_request.hpp"
#include "http/chunk_encoding.hpp"
#include "http/health_report.hpp"
#include "http/http_reply.hpp"
#include "http/introspection.hpp"
#include "http/query_string.hpp"

namespace auralis::http {

namespace {

using actors::engine_event;
using actors::event_kind;
using actors::tier_id;
using actors::track_info;
using gateway_pointer = gateway_actor::stateful_pointer<gateway_state>;
using responder_ptr = std::shared_ptr<http_responder>;
using deadline_clock = ask_deadlines::clock;

/// Makes sure a sweep of the ask deadlines is scheduled while any may be open.
void watch_deadlines(gateway_pointer self) {
  auto& st = self->state;
  if (st.sweep_scheduled)
    return;
  st.sweep_scheduled = true;
  self->delayed_send(caf::actor_cast<gateway_actor>(self), st.deadlines.timeout(),
                     sweep_atom::value);
}

/// Answers the asks past their deadline 503 and schedules the next sweep, if any is due.
void sweep_deadlines(gateway_pointer self) {
  auto& st = self->state;
  st.sweep_scheduled = false;
  const auto now = deadline_clock::now();
  const auto next = st.deadlines.sweep(now);
  if (!next)
    return;
  st.sweep_scheduled = true;
  const auto wait = std::max(std::chrono::ceil<std::chrono::milliseconds>(*next - now),
                             std::chrono::milliseconds(1));
  self->delayed_send(caf::actor_cast<gateway_actor>(self), wait, sweep_atom::value);
}

/// `f`, called only while `ticket` is open (closing it first).
template <class F, class... Args>
auto while_open(ask_ticket_ptr ticket, F f, caf::detail::type_list<Args...>) {
  return [ticket = std::move(ticket), f = std::move(f)](Args... xs) mutable {
    if (ticket->close())
      f(std::forward<Args>(xs)...);
  };
}

/// Asks `dest` for `xs...` on behalf of `r`: `on_reply` gets the answer and an error is
/// answered on `r` (reply_actor_error). An answer must come within the request timeout,
/// else `r` answers 503 and the late answer is dropped. The deadline is kept by the
/// gateway (see ask_deadlines), not by a CAF request timeout.
template <class Dest, class OnReply, class... Ts>
void ask(gateway_pointer self, const responder_ptr& r, const Dest& dest, OnReply on_reply,
         Ts&&... xs) {
  auto ticket = self->state.deadlines.open(r, deadline_clock::now());
  watch_deadlines(self);
  using args = typename caf::detail::get_callable_trait<OnReply>::arg_types;
  self->request(dest, caf::duration{caf::infinite}, std::forward<Ts>(xs)...)
    .then(while_open(ticket, std::move(on_reply), args{}),
          [ticket, r](const caf::error& err) {
            if (ticket->close())
              reply_actor_error(*r, err);
          });
}

/// Refuses the call (401) unless the configured token is given as a Bearer token.
void require_token(gateway_pointer self, const http_call& call) {
  const auto& token = self->state.settings.api_token;
  if (token.empty())
    return;
  if (call.request.authorization != "Bearer " + token)
    throw bad_request("this endpoint needs 'Authorization: Bearer <api_token>'", 401);
}

/// A route parameter that the router guarantees.
const std::string& param(const http_call& call, const char* name) {
  static const std::string none;
  auto i = call.request.params.find(name);
  return i == call.request.params.end() ? none : i->second;
}

/// The optional session_id query parameter ("" = the default session).
std::string session_of(const query_string& q) {
  auto s = q.get("session_id");
  return s ? request_parser::check_session_id(*s) : std::string();
}

/// A required query parameter.
std::string required_query(const query_string& q, const char* name) {
  auto v = q.get(name);
  if (!v)
    throw bad_request(std::string("missing query parameter '") + name + "'");
  return *v;
}

void publish(gateway_pointer self, engine_event e) {
  if (!self->state.peers.events)
    return;
  if (e.timestamp == 0)
    e.timestamp = unix_now();
  self->send(self->state.peers.events, actors::event_atom::value, std::move(e));
}

/// actors::ask_each_tier on behalf of `r`: each tier is asked as `ask` does, so the first
/// error or missed deadline is answered on `r` and `done` is not called.
template <class Reply, class Done, class... Ts>
void ask_each_tier(gateway_pointer self, const responder_ptr& r, Done done, Ts... xs) {
  actors::ask_each_tier<Reply>(
    actors::tiers_of(self->state.peers.core),
    [self, r](const actors::tier_actor& tier, auto on_reply, auto... ys) {
      ask(self, r, tier, std::move(on_reply), ys...);
    },
    std::move(done), xs...);
}

/// Asks L1, L2 and L3 for their reports (one after the other) and calls `done` with all
/// three; the first error is answered on `r`.
template <class Done>
void collect_tier_reports(gateway_pointer self, const responder_ptr& r, Done done) {
  ask_each_tier<actors::tier_report>(
    self, r,
    [done](std::array<actors::tier_report, 3>& t) { done(tier_reports{t[0], t[1], t[2]}); },
    actors::stats_atom::value);
}

// --- cache ------------------------------------------------------------------------------

void cache_health(gateway_pointer self, const responder_ptr& r) {
  collect_tier_reports(self, r, [self, r](const tier_reports& reports) {
    ask(
      self, r, self->state.peers.core.predictor,
      [self, r, reports](const actors::predictor_stats& p) {
        const auto f = figures_of(reports, self->state.settings.budget_bytes, p.accuracy);
        reply_json(*r, 200, health_report(f).to_json());
      },
      actors::stats_atom::value, std::string());
  });
}

/// Calls `done` with what the engine holds beyond the tiers: the pool's, the demotion
/// path's and the memory governor's reports (asked in turn; an actor the gateway was not
/// given is left out), the process's memory read now, and the gateway's and server's own
/// counters.
template <class Done>
void collect_engine_figures(gateway_pointer self, const responder_ptr& r, Done done) {
  auto finish = [self, done](engine_figures e) mutable {
    e.memory = actors::read_process_memory();
    e.http_timeouts = self->state.deadlines.expired();
    e.sending = http_server::sending();
    e.sending_bytes = http_server::sending_bytes();
    done(std::move(e));
  };
  auto with_governor = [self, r, finish](engine_figures e) mutable {
    const auto& governor = self->state.peers.core.governor;
    if (!governor) {
      finish(std::move(e));
      return;
    }
    ask(
      self, r, governor,
      [e, finish](const actors::governor_report& g) mutable {
        e.governor = g;
        finish(std::move(e));
      },
      actors::stats_atom::value);
  };
  auto with_demotion = [self, r, with_governor](engine_figures e) mutable {
    const auto& demotion = self->state.peers.core.demotion;
    if (!demotion) {
      with_governor(std::move(e));
      return;
    }
    ask(
      self, r, demotion,
      [e, with_governor](const actors::demotion_report& d) mutable {
        e.demotion = d;
        with_governor(std::move(e));
      },
      actors::stats_atom::value);
  };
  const auto& pool = self->state.peers.core.pool;
  if (!pool) {
    with_demotion(engine_figures{});
    return;
  }
  ask(
    self, r, pool,
    [with_demotion](const actors::pool_report& p) mutable {
      engine_figures e;
      e.pool = p;
      with_demotion(std::move(e));
    },
    actors::stats_atom::value);
}

void cache_stats(gateway_pointer self, const http_call& call) {
  const auto session = session_of(query_string::parse(call.request.query));
  const auto& r = call.responder;
  collect_tier_reports(self, r, [self, r, session](const tier_reports& reports) {
    ask(
      self, r, self->state.peers.core.predictor,
      [self, r, reports](const actors::predictor_stats& p) {
        collect_engine_figures(self, r, [self, r, reports, p](const engine_figures& e) {
          reply_json(*r, 200, stats_json(reports, p, self->state.settings.budget_bytes, e));
        });
      },
      actors::stats_atom::value, session);
  });
}

// --- introspection ----------------------------------------------------------------------

/// The process's CPU time (all threads), seconds.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// The process's threads (entries of /proc/self/task; 0 when unreadable).
std::uint64_t process_threads() {
  std::error_code ec;
  std::uint64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/task", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

/// Calls `done` with everything /api/actors and /metrics show: the tiers', predictor's,
/// planner's, pool's (and the other engine figures) and the hub's reports, asked in turn,
/// plus the probes and the HTTP counters read directly.
template <class Done>
void collect_introspection(gateway_pointer self, const responder_ptr& r, Done done) {
  collect_tier_reports(self, r, [self, r, done](const tier_reports& tiers) {
    ask(
      self, r, self->state.peers.core.predictor,
      [self, r, done, tiers](const actors::predictor_stats& p) {
        ask(
          self, r, self->state.peers.core.planner,
          [self, r, done, tiers, p](const actors::planner_report& pl) {
            collect_engine_figures(self, r, [self, r, done, tiers, p, pl](const engine_figures& e) {
              auto finish = [self, done, tiers, p, pl, e](const hub_report& hub) {
                auto& st = self->state;
                introspection_report rep;
                const auto now = std::chrono::steady_clock::now();
                rep.uptime_s = std::chrono::duration<double>(now - st.started).count();
                rep.cpu_seconds = process_cpu_seconds();
                const double wall = std::chrono::duration<double>(now - st.cpu_at).count();
                if (wall >= 0.5) {
                  st.cpu_share = (rep.cpu_seconds - st.cpu_seconds) / wall;
                  st.cpu_seconds = rep.cpu_seconds;
                  st.cpu_at = now;
                }
                rep.cpu_share = st.cpu_share;
                rep.threads = process_threads();
                if (const auto& probes = st.peers.core.probes) {
                  rep.actors_measured = true;
                  rep.actors = probes->figures();
                }
                rep.tiers = tiers;
                rep.predictor = p;
                rep.planner = pl;
                rep.engine = e;
                if (const auto& m = st.settings.server.metrics) {
                  rep.http = m->figures();
                  rep.http_requests = m->requests();
                }
                rep.hub = hub;
                done(rep);
              };
              if (!self->state.peers.events) {
                finish(hub_report{});
                return;
              }
              ask(self, r, self->state.peers.events, finish, actors::stats_atom::value);
            });
          },
          actors::stats_atom::value);
      },
      actors::stats_atom::value, std::string());
  });
}

void actors_report(gateway_pointer self, const responder_ptr& r) {
  collect_introspection(self, r, [r](const introspection_report& rep) {
    reply_json(*r, 200, actors_json(rep));
  });
}

void metrics_report(gateway_pointer self, const responder_ptr& r) {
  collect_introspection(self, r, [r](const introspection_report& rep) {
    r->send(200, "text/plain; version=0.0.4; charset=utf-8", metrics_text(rep), {});
  });
}

void cache_predictions(gateway_pointer self, const http_call& call) {
  actors::prediction_request req;
  req.session_id = session_of(query_string::parse(call.request.query));
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.predictor,
    [r](const actors::prediction_reply& p) { reply_json(*r, 200, predictions_json(p)); },
    actors::predict_atom::value, req);
}

void cache_contents(gateway_pointer self, const responder_ptr& r) {
  using records = std::vector<actors::entry_record>;
  ask_each_tier<records>(
    self, r,
    [r](std::array<records, 3>& l) { reply_json(*r, 200, contents_json(l[0], l[1], l[2])); },
    actors::list_atom::value);
}

void cache_clear(gateway_pointer self, const responder_ptr& r) {
  ask_each_tier<std::uint64_t>(
    self, r,
    [self, r](std::array<std::uint64_t, 3>& n) {
      engine_event e;
      e.kind = event_kind::cache_cleared;
      publish(self, e);
      reply_json(*r, 200, cleared_json("All caches cleared", n[0] + n[1] + n[2]));
    },
    actors::clear_atom::value);
}

void cache_clear_tier(gateway_pointer self, const http_call& call) {
  const tier_id t = request_parser::parse_tier(param(call, "tier"));
  const auto& r = call.responder;
  ask(
    self, r, actors::tier_of(self->state.peers.core, t),
    [self, r, t](std::uint64_t n) {
      engine_event e;
      e.kind = event_kind::cache_tier_cleared;
      e.tier = t;
      publish(self, e);
      reply_json(*r, 200, cleared_json(std::string(actors::tier_label(t)) + " cache cleared", n));
    },
    actors::clear_atom::value);
}

/// Fills in the latency of what `c` found from `l` and answers.
void reply_check(http_responder& r, check_result c, const actors::tier_latency& l) {
  if (!c.tier) {
    c.latency_ms = l.miss_ms;
    c.latency_samples = l.miss_samples;
  } else if (*c.tier == tier_id::l1) {
    c.latency_ms = l.l1_ms;
    c.latency_samples = l.l1_samples;
  } else if (*c.tier == tier_id::l2) {
    c.latency_ms = l.l2_ms;
    c.latency_samples = l.l2_samples;
  } else {
    c.latency_ms = l.l3_ms;
    c.latency_samples = l.l3_samples;
  }
  reply_json(r, 200, check_json(c));
}

/// Answers `c` with the planner's latency medians: the ones asked within the last
/// latency_max_age when no fetch went through since, else asked now.
void answer_check(gateway_pointer self, const responder_ptr& r, check_result c) {
  auto& st = self->state;
  const auto now = std::chrono::steady_clock::now();
  if (st.latency_fresh && now - st.latency_at < gateway_state::latency_max_age) {
    reply_check(*r, std::move(c), st.latency);
    return;
  }
  ask(
    self, r, st.peers.core.planner,
    [self, r, c, now](const actors::tier_latency& l) mutable {
      self->state.latency = l;
      self->state.latency_at = now;
      self->state.latency_fresh = true;
      reply_check(*r, std::move(c), l);
    },
    actors::latency_atom::value);
}

/// Peeks tier `t` and the ones after it (no counters touched) until one holds the key.
void peek_from(gateway_pointer self, const responder_ptr& r, check_result c, tier_id t) {
  const auto key = c.key;
  ask(
    self, r, actors::tier_of(self->state.peers.core, t),
    [self, r, c, t](const actors::peek_reply& p) mutable {
      if (p.found) {
        c.tier = t;
        answer_check(self, r, std::move(c));
      } else if (t == tier_id::l3) {
        answer_check(self, r, std::move(c));
      } else {
        peek_from(self, r, std::move(c), t == tier_id::l1 ? tier_id::l2 : tier_id::l3);
      }
    },
    actors::peek_atom::value, key);
}

void cache_check(gateway_pointer self, const http_call& call) {
  const auto q = query_string::parse(call.request.query);
  check_result c;
  c.key.track_id = request_parser::parse_index(required_query(q, "track_id"), "track_id");
  c.key.preset = self->state.parser->check_preset(required_query(q, "preset"));
  c.key.chunk_idx = request_parser::parse_index(required_query(q, "chunk_idx"), "chunk_idx");
  if (auto i = q.get("intensity"))
    c.intensity = request_parser::parse_intensity(*i);
  c.key.intensity_tenths = actors::intensity_to_tenths(c.intensity);
  peek_from(self, call.responder, std::move(c), tier_id::l1);
}

// --- player and audio -------------------------------------------------------------------

void player_position(gateway_pointer self, const http_call& call) {
  const auto update = self->state.parser->position(call.request.body);
  const auto& r = call.responder;
  // The track must exist (404 otherwise) before the planner starts a session on it.
  ask(
    self, r, self->state.peers.core.library,
    [self, r, update](const track_info&) {
      ask(
        self, r, self->state.peers.core.planner,
        [r](const actors::position_reply& p) { reply_json(*r, 202, position_json(p)); },
        actors::position_atom::value, update);
    },
    caf::get_atom::value, update.track_id);
}

/// Answers the fetched chunk as WAV: a 44-byte header, then the tier's PCM (not copied).
void answer_wav(const responder_ptr& r, const actors::fetch_reply& f,
                std::vector<http_header> headers) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(f.frames) * 4;
  shared_bytes pcm = f.pcm.data;
  if (!pcm || pcm->size() < bytes) {
    reply_detail(*r, 503, "the engine returned a chunk shorter than its frame count");
    return;
  }
  if (pcm->size() != bytes)
    pcm = codec::byte_buffer::copy_of(pcm->data(), static_cast<std::size_t>(bytes));
  r->send_parts(200, "audio/wav", wav_header_for(bytes), std::move(pcm), headers);
}

/// Answers the fetched chunk as Ogg Opus, encoded on the worker pool at immediate priority
/// (a listener waits): bounded by the pool's workers like every other job, refused at once
/// (503 with Retry-After) when the pool could not finish it in time, and joined with an
/// identical request for the same chunk. For a chunk that came without its stream (from a
/// tier, or a render joined that was started without it).
void encode_opus_answer(gateway_pointer self, const responder_ptr& r,
                        const actors::fetch_reply& f, std::vector<http_header> headers) {
  const std::uint64_t bytes = static_cast<std::uint64_t>(f.frames) * 4;
  shared_bytes pcm = f.pcm.data;
  if (pcm->size() < bytes) {
    reply_detail(*r, 503, "the engine returned a chunk shorter than its frame count");
    return;
  }
  if (pcm->size() != bytes)
    pcm = codec::byte_buffer::copy_of(pcm->data(), static_cast<std::size_t>(bytes));
  actors::job_spec job;
  job.kind = actors::job_kind::stream;
  job.key = f.key;
  job.priority = actors::job_priority::immediate;
  job.probability = 1.0;
  job.input.data = std::move(pcm);
  ask(
    self, r, self->state.peers.core.pool,
    [r, headers = std::move(headers)](const actors::job_output& out) {
      if (!out.output.data || out.output.data->empty()) {
        reply_detail(*r, 503, "the engine returned an empty Ogg Opus stream");
        return;
      }
      r->send_parts(200, "audio/ogg", std::string(), out.output.data, headers);
    },
    actors::submit_atom::value, std::move(job));
}

void audio_stream(gateway_pointer self, const http_call& call) {
  const auto q = query_string::parse(call.request.query);
  actors::fetch_request req;
  req.key.track_id = request_parser::parse_index(param(call, "track_id"), "track_id");
  req.key.chunk_idx = request_parser::parse_index(param(call, "chunk_idx"), "chunk_idx");
  req.key.preset = self->state.parser->check_preset(required_query(q, "preset"));
  double intensity = 1.0;
  if (auto i = q.get("intensity"))
    intensity = request_parser::parse_intensity(*i);
  req.key.intensity_tenths = actors::intensity_to_tenths(intensity);
  req.session_id = session_of(q);
  const auto format = q.get("format").value_or("wav");
  if (format != "wav" && format != "opus")
    throw bad_request("format must be wav or opus, not '" + format.substr(0, 40) + "'");
  const bool opus = format == "opus";
  req.want_stream = opus; // a miss then renders and encodes in one job
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.planner,
    [self, r, opus](const actors::fetch_reply& f) {
      self->state.latency_fresh = false; // the planner's medians moved
      auto headers = chunk_headers(to_string(f.source), f.key.chunk_idx, f.frames);
      if (!opus) {
        answer_wav(r, f, std::move(headers));
        return;
      }
      if (f.frames > 0 && f.stream.data && !f.stream.data->empty()) {
        // Encoded by the render itself, or an L3 entry's own packets: no second job.
        r->send_parts(200, "audio/ogg", std::string(), f.stream.data, headers);
        return;
      }
      if (f.frames <= 0 || !f.pcm.data) {
        reply_detail(*r, 503, "the engine returned an empty chunk");
        return;
      }
      encode_opus_answer(self, r, f, std::move(headers));
    },
    actors::fetch_atom::value, req);
}

// --- library ----------------------------------------------------------------------------

void library_tracks(gateway_pointer self, const responder_ptr& r) {
  ask(
    self, r, self->state.peers.core.library,
    [r](const std::vector<track_info>& tracks) { reply_json(*r, 200, tracks_json(tracks)); },
    actors::list_atom::value);
}

void library_add(gateway_pointer self, const http_call& call) {
  require_token(self, call);
  auto path = self->state.parser->library_path(call.request.body);
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.library,
    [r](const track_info& t) { reply_json(*r, 201, track_result_json(t)); },
    caf::add_atom::value, std::move(path));
}

void library_delete(gateway_pointer self, const http_call& call) {
  require_token(self, call);
  const auto id = request_parser::parse_index(param(call, "id"), "track id");
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.library,
    [self, r, id](const track_info& t) {
      ask(
        self, r, self->state.peers.core.planner,
        [self, r, t](std::uint64_t removed) {
          engine_event e;
          e.kind = event_kind::track_removed;
          e.track_id = t.id;
          publish(self, e);
          reply_json(*r, 200, track_removed_json(t, removed));
        },
        actors::invalidate_atom::value, id);
    },
    caf::delete_atom::value, id);
}

// --- predictor --------------------------------------------------------------------------

void predictor_model(gateway_pointer self, const responder_ptr& r) {
  ask(
    self, r, self->state.peers.core.predictor,
    [r](const actors::model_snapshot& m) { reply_json(*r, 200, model_json(m)); },
    actors::model_atom::value);
}

void predictor_learning(gateway_pointer self, const http_call& call) {
  require_token(self, call);
  const bool on = self->state.parser->learning(call.request.body);
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.predictor,
    [r](bool now_on) {
      reply_json(*r, 200, learning_json(now_on));
    },
    actors::learning_atom::value, on);
}

void predictor_forget(gateway_pointer self, const http_call& call) {
  require_token(self, call);
  const auto& r = call.responder;
  ask(
    self, r, self->state.peers.core.predictor,
    [r](std::uint64_t forgotten) {
      reply_json(*r, 200, forgotten_json(forgotten));
    },
    actors::forget_atom::value);
}

/// Runs the route's handler; validation failures answer their 4xx here.
void dispatch(gateway_pointer self, http_call& call) {
  const auto& r = call.responder;
  try {
    switch (call.request.route) {
      case route_id::cache_health: cache_health(self, r); break;
      case route_id::cache_stats: cache_stats(self, call); break;
      case route_id::cache_predictions: cache_predictions(self, call); break;
      case route_id::cache_contents: cache_contents(self, r); break;
      case route_id::cache_clear:
        require_token(self, call);
        cache_clear(self, r);
        break;
      case route_id::cache_clear_tier:
        require_token(self, call);
        cache_clear_tier(self, call);
        break;
      case route_id::cache_check: cache_check(self, call); break;
      case route_id::player_position: player_position(self, call); break;
      case route_id::audio_stream: audio_stream(self, call); break;
      case route_id::library_tracks: library_tracks(self, r); break;
      case route_id::presets:
        reply_json(*r, 200, presets_json(self->state.settings.presets,
                                         self->state.settings.chunk_seconds));
        break;
      case route_id::library_add: library_add(self, call); break;
      case route_id::library_delete: library_delete(self, call); break;
      case route_id::predictor_model: predictor_model(self, r); break;
      case route_id::predictor_forget: predictor_forget(self, call); break;
      case route_id::predictor_learning: predictor_learning(self, call); break;
      case route_id::actors: actors_report(self, r); break;
      case route_id::metrics: metrics_report(self, r); break;
    }
  } catch (const bad_request& e) {
    std::vector<http_header> headers;
    if (e.status() == 401)
      headers.emplace_back("WWW-Authenticate", "Bearer");
    r->send(e.status(), "application/json", detail_json(e.what()), headers);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {}: {}", call.request.method, call.request.target, e.what());
    reply_detail(*r, 500, "internal error");
  }
}

} // namespace

gateway_actor::behavior_type gateway_actor_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                                gateway_settings settings,
                                                std::shared_ptr<gateway_peers> peers) {
  self->state.settings = settings;
  self->state.deadlines = ask_deadlines(settings.timeout);
  if (peers) {
    self->state.peers = std::move(*peers);
    *peers = gateway_peers{};
  }
  self->state.parser = std::make_unique<request_parser>(settings.presets);
  // The server's callbacks hold weak addresses: a strong handle there would keep the
  // gateway (and through its spawn arguments every peer) alive as long as the server's
  // handlers live.
  const caf::actor_addr gateway_addr = self->address();
  const caf::actor_addr hub_addr = self->state.peers.events.address();
  try {
    self->state.server = std::make_unique<http_server>(
      settings.server,
      [gateway_addr](http_call call) {
        if (auto gateway = caf::actor_cast<gateway_actor>(gateway_addr))
          caf::anon_send(gateway, std::move(call));
        else
          reply_detail(*call.responder, 503, "the engine is stopping");
      },
      [hub_addr](ws_client_ptr c) {
        if (auto hub = caf::actor_cast<event_hub_actor>(hub_addr))
          caf::anon_send(hub, ws_join_atom::value, std::move(c));
      },
      [hub_addr](std::uint64_t id) {
        if (auto hub = caf::actor_cast<event_hub_actor>(hub_addr))
          caf::anon_send(hub, ws_leave_atom::value, id);
      });
    spdlog::info("http: serving on http://{}:{}", settings.server.bind,
                 self->state.server->port());
  } catch (const std::exception& e) {
    // Reported through the port request; the engine then stops every actor. (Quitting
    // here, inside the actor's initialisation, leaves CAF 0.17 counting it as running.)
    spdlog::error("http: {}", e.what());
    self->state.failure = e.what();
  }
  return {
    [self](http_call& call) { dispatch(self, call); },
    [self](sweep_atom) { sweep_deadlines(self); },
    [self](port_atom) -> caf::result<std::uint16_t> {
      if (!self->state.server)
        return actors::make_engine_error(actors::engine_errc::io_failure, self->state.failure);
      return self->state.server->port();
    },
  };
}

} // namespace auralis::http
