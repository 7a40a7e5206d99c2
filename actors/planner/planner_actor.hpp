#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/cache/tier_actor.hpp"
#include "actors/common/atoms.hpp"
#include "actors/common/engine_event.hpp"
#include "actors/common/failure_log.hpp"
#include "actors/library/library_actor.hpp"
#include "actors/library/track_info.hpp"
#include "actors/planner/job_selection.hpp"
#include "actors/planner/planner_messages.hpp"
#include "actors/planner/wanted_set_builder.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "actors/predictor/predictor_actor.hpp"
#include "config/preset.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::actors {

/// The planner (buffer manager): turns sessions' positions and predictions into ready
/// audio, and serves client fetches (see docs/planner.md).
/// - position, update: forwards the update to the predictor and answers its reply; an
///   accepted update then refreshes the session (predictions, branch scenarios) and
///   re-plans. Errors: the predictor's (unknown_preset, invalid_argument), unknown_track.
/// - fetch, request: the chunk from L1, L2 or L3 (in that order; L3 is decoded on the pool
///   and promoted into L1) or, on a miss, rendered at immediate priority and stored in L1.
///   A fetch with want_stream that misses has its render also encode the Ogg Opus file
///   (the reply's `stream`); a hit, or a render joined that was started without the
///   stream, answers no stream (and until a fetch with want_stream is answered, plans do
///   not render its chunk: see stream_fetches). Exactly one hit (on the tier that served)
///   or one miss (on L1) is counted per fetch.
///   Also moves the session to the fetched chunk and, when that moved it (a new session,
///   track, chunk, preset or intensity) or the fetch reloaded a track whose rendering had
///   failed, re-plans. Errors: unknown_track,
///   unknown_chunk (past the end), unknown_preset, invalid_argument (session id or
///   intensity), and the render's (unreadable_file, source_changed, timed_out, ...).
/// - latency: moving medians of fetch service times per source (last 64 each).
/// - stats: what is under way (planner_report); idle() means no job or put comes from
///   the planner until another message arrives.
/// - invalidate, track: every tier drops the track, the pool cancels its queued jobs,
///   sessions on it are dropped and its cached track data forgotten; answers the number
///   of entries removed from the tiers.
/// - mode, change: the predictor's mode notification (subscribed at start): published as
///   a mode_changed event, and the session is re-planned.
/// - budget, l1, l2, l3: the tiers' budgets now (bytes; the memory governor's): later
///   plans fit within them; re-plans when they changed.
using planner_actor = caf::typed_actor<
  caf::replies_to<position_atom, position_update>::with<position_reply>,
  caf::replies_to<fetch_atom, fetch_request>::with<fetch_reply>,
  caf::replies_to<latency_atom>::with<tier_latency>,
  caf::replies_to<stats_atom>::with<planner_report>,
  caf::replies_to<invalidate_atom, std::int64_t>::with<std::uint64_t>,
  caf::reacts_to<mode_atom, mode_change>,
  caf::reacts_to<budget_atom, std::uint64_t, std::uint64_t, std::uint64_t>>;

/// How the planner is set up.
struct planner_settings {
  wanted_set_settings plan;         ///< rules and budgets of the wanted set
  std::vector<config::preset> presets;  ///< for the loudness gain per preset
  int l2_jobs_in_flight = 5;            ///< L2 renders outstanding at most
  int l3_jobs_in_flight = 2;            ///< L3 renders outstanding at most (only once L1 and L2 are held)
  int room_jobs_in_flight = 2;          ///< room renders outstanding at most (only once L1 and L2 are held)
  double session_idle_timeout_s = 1800; ///< a session with no update for this long is dropped
  std::chrono::milliseconds ask_timeout{std::chrono::seconds(30)}; ///< for asking other actors
  predictor_actor predictor;
  worker_pool_actor pool;
  tier_actor l1, l2, l3;
  library_actor library;
  demotion_sink demotion;               ///< invalid = no demotion path to tell of invalidations
  event_sink events;                    ///< invalid = no events
  /// The clock session idleness is measured with (the predictor's); empty = steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;

  /// The planner's part of `cfg` (actor handles are left for the caller).
  static planner_settings from(const config::engine_config& cfg);
};

/// State of the planner actor.
struct planner_state {
  using time_point = std::chrono::steady_clock::time_point;

  /// A live session.
  struct session_slot {
    planned_session view;  ///< what the wanted set is computed from
    time_point last_seen;  ///< last position update or fetch (settings.clock)
    std::int64_t next_track_id = 0; ///< from the last position update; 0 = unknown
  };

  /// A track's data needed to render it, loaded once from the library.
  struct track_slot {
    bool ready = false;
    track_info info;
    std::vector<chunk_features> features; ///< per chunk (from the analysis)
    std::map<std::string, double> gain_db; ///< loudness gain per preset
    std::vector<std::function<void(const caf::error&)>> waiting; ///< until ready
  };


  /// A moving window of service times.
  struct latency_window {
    std::deque<double> samples; ///< last 64, milliseconds
    double median() const;
  };

  planner_settings settings;
  std::unique_ptr<wanted_set_builder> builder; ///< computes `wanted`
  std::map<std::string, std::unique_ptr<dsp::mastering_chain>> chains; ///< for gains only
  std::map<std::string, session_slot> sessions;
  std::map<std::int64_t, track_slot> tracks;
  std::map<std::int64_t, std::uint64_t> epochs; ///< bumped when a track is invalidated
  std::set<std::int64_t> failed_tracks;         ///< not planned until fetched again
  std::set<std::string> logged_files;           ///< files whose failure was logged
  std::map<std::int64_t, std::string> paths;    ///< file of each track loaded so far
  std::map<cache_key, pending_job> in_flight; ///< planner jobs not back yet
  /// Wanted keys that a put of another wanted key evicted: the tier holds fewer entries
  /// than the plan counted on (an L3 blob larger than estimated, a client fetch's chunk).
  /// They are not planned again until a session moves, so that two wanted entries never
  /// push each other out in turn, rendering forever.
  std::set<cache_key> crowded_out;
  /// Keys of fetches that want the stream and are not answered yet, with how many. Plans
  /// render none of them: a planner render without the stream, submitted while such a
  /// fetch looks through the tiers, would be the one the pool runs (the fetch's render
  /// joins it) and the fetch would get no stream. A fetch that succeeds leaves its chunk
  /// held (in L2, or stored in L1); one that fails leaves it to the next plan.
  std::map<cache_key, std::uint32_t> stream_fetches;
  wanted_set wanted;                            ///< the last plan
  bool planning = false;                        ///< a round is running
  bool replan = false;                          ///< another round is due after it
  std::uint64_t refreshing = 0;                 ///< session refreshes asking the predictor
  latency_window latency[4];                    ///< by fetch_source
  failure_log dropped{"planner"}; ///< failures of requests whose answers nobody waits for
  /// The planner's renders stored into a tier and not fetched yet, with when each was
  /// first seen in no tier (time_point{} while some tier holds it); see planner_report.
  std::map<cache_key, time_point> unfetched;
  planner_report counters; ///< the counters of planner_report (the rest is computed)
  static inline const char* name = "planner";

  /// The time now by settings.clock.
  time_point now() const;

  /// The track's epoch (0 until first invalidated).
  std::uint64_t epoch_of(std::int64_t track_id) const;

  /// True when track `track_id` is loaded and no job of it failed since: plans may use it.
  bool track_plannable(std::int64_t track_id) const;
};

/// Behaviour of the planner: subscribes to the predictor's mode changes, then answers the
/// interface above.
planner_actor::behavior_type
planner_actor_impl(planner_actor::stateful_pointer<planner_state> self,
                   planner_settings settings);

} // namespace auralis::actors
