#pragma once

// Message types of the predictor's typed interface (actors/predictor_actor.hpp). The plain
// classes behind it (actors/predictor.hpp) answer with the same structs.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/common/chunk_features.hpp"

namespace auralis::actors {

/// How a listener session behaves (see docs/predictor.md for the thresholds).
enum class session_mode : std::uint8_t {
  normal,      ///< neither of the others
  exploration, ///< many switches recently: the planner widens L1, turns L3 off
  settled,     ///< hardly any switch for a long time: the planner deepens L3
};

/// "normal", "exploration" or "settled".
inline const char* to_string(session_mode m) noexcept {
  switch (m) {
    case session_mode::normal: return "normal";
    case session_mode::exploration: return "exploration";
    case session_mode::settled: return "settled";
  }
  return "unknown";
}

/// What a position update did about the preset.
enum class switch_outcome : std::uint8_t {
  none,     ///< no switch: the preset stayed (or the session just started, or throttled)
  learned,  ///< a switch, measured against the prediction and learned
  measured, ///< a switch, measured against the prediction; learning is off
  too_soon, ///< a switch within switch_min_interval_ms of the previous one: ignored
  rapid,    ///< a switch among rapid interactions (rapid exploration): ignored
};

/// "none", "learned", "measured", "too_soon" or "rapid".
inline const char* to_string(switch_outcome o) noexcept {
  switch (o) {
    case switch_outcome::none: return "none";
    case switch_outcome::learned: return "learned";
    case switch_outcome::measured: return "measured";
    case switch_outcome::too_soon: return "too_soon";
    case switch_outcome::rapid: return "rapid";
  }
  return "unknown";
}

/// What the player reports (POST /api/player/position). A preset that differs from the
/// session's current preset is a preset switch; there is no separate switch message.
struct position_update {
  std::string session_id;  ///< empty = "default"
  std::int64_t track_id = 0;
  double position_s = 0;   ///< playback position in the track, seconds, >= 0
  std::string preset;      ///< the preset playing now; must be a known preset
  double intensity = 1;    ///< 0..1
  std::int64_t next_track_id = 0; ///< the track the player goes on to after this one; 0 = unknown
};

/// CAF serialisation of position_update.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, position_update& x) {
  return f(caf::meta::type_name("position_update"), x.session_id, x.track_id, x.position_s,
           x.preset, x.intensity, x.next_track_id);
}

/// The answer to a position update.
struct position_reply {
  std::string session_id;          ///< the session it was applied to ("default" if absent)
  std::int64_t chunk_idx = 0;      ///< chunk of the session's current position
  session_mode mode = session_mode::normal; ///< the session's mode after the update
  bool accepted = false;           ///< false: throttled (closer than position_min_interval_ms)
  switch_outcome outcome = switch_outcome::none;
  bool mode_changed = false;       ///< the mode differs from before this update
  session_mode previous_mode = session_mode::normal; ///< the mode before this update
  bool new_session = false;        ///< this update started the session
};

/// CAF serialisation of position_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, position_reply& x) {
  return f(caf::meta::type_name("position_reply"), x.session_id, x.chunk_idx, x.mode,
           x.accepted, x.outcome, x.mode_changed, x.previous_mode, x.new_session);
}

/// A predicted next preset.
struct preset_probability {
  std::string preset;
  double probability = 0; ///< 0..1
};

/// CAF serialisation of preset_probability.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, preset_probability& x) {
  return f(caf::meta::type_name("preset_probability"), x.preset, x.probability);
}

/// A request for a session's predictions or branch scenarios, optionally with the content
/// features of the session's next chunk (kept by the session until its track changes or
/// newer features arrive, and used for every prediction meanwhile).
struct prediction_request {
  std::string session_id;      ///< empty = "default"
  bool has_features = false;   ///< whether `features` is set
  chunk_features features;     ///< each feature in 0..1
};

/// CAF serialisation of prediction_request.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prediction_request& x) {
  return f(caf::meta::type_name("prediction_request"), x.session_id, x.has_features,
           x.features);
}

/// A session's current state and its predicted next presets.
struct prediction_reply {
  std::string session_id;
  std::int64_t track_id = 0;
  std::string current_preset;
  double current_position_s = 0;
  std::int64_t chunk_idx = 0;
  double intensity = 1;
  session_mode mode = session_mode::normal;
  bool content_used = false;   ///< content features took part in the prediction
  std::vector<preset_probability> predictions; ///< top_n, most likely first
};

/// CAF serialisation of prediction_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, prediction_reply& x) {
  return f(caf::meta::type_name("prediction_reply"), x.session_id, x.track_id,
           x.current_preset, x.current_position_s, x.chunk_idx, x.intensity, x.mode,
           x.content_used, x.predictions);
}

/// Kinds of branch scenario.
enum class branch_kind : std::uint8_t {
  continue_current, ///< keeps playing the current preset
  switch_to,        ///< switches to one of the top predicted presets
  seek_forward,     ///< seeks ahead (only offered past planner.seek_after_s)
  toggle_back,      ///< returns to the previously used preset
};

/// One scenario the planner may prepare for: chunks [first_chunk, last_chunk] (absolute
/// indices; they may run past the track's end, the planner clips) of `preset`.
struct branch_scenario {
  std::string name;        ///< "continue_current", "switch_to_<preset>", "seek_forward", "toggle_back"
  branch_kind kind = branch_kind::continue_current;
  std::string preset;
  std::int64_t first_chunk = 0;
  std::int64_t last_chunk = 0;
  double probability = 0;  ///< 0..1
};

/// CAF serialisation of branch_scenario.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, branch_scenario& x) {
  return f(caf::meta::type_name("branch_scenario"), x.name, x.kind, x.preset, x.first_chunk,
           x.last_chunk, x.probability);
}

/// The branch scenarios of a session, with what the planner needs around them.
struct branch_plan {
  std::string session_id;
  std::int64_t track_id = 0;
  std::int64_t chunk_idx = 0;        ///< the playing chunk
  std::string current_preset;
  double intensity = 1;
  session_mode mode = session_mode::normal;
  std::vector<branch_scenario> scenarios; ///< in kind order (continue, switches, seek, toggle)
};

/// CAF serialisation of branch_plan.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, branch_plan& x) {
  return f(caf::meta::type_name("branch_plan"), x.session_id, x.track_id, x.chunk_idx,
           x.current_preset, x.intensity, x.mode, x.scenarios);
}

/// One learned transition count.
struct transition_count {
  std::string from;
  std::string to;
  std::uint64_t count = 0;
};

/// CAF serialisation of transition_count.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, transition_count& x) {
  return f(caf::meta::type_name("transition_count"), x.from, x.to, x.count);
}

/// Prediction accuracy, measured on switches against the prediction current just before.
struct accuracy_figures {
  std::uint64_t switches = 0;        ///< measured switches, all time
  std::uint64_t top1_hits = 0;       ///< of which the first prediction was right
  std::uint64_t top3_hits = 0;       ///< of which one of the first three was right
  double top1 = 0;                   ///< top1_hits / switches (0 when none)
  double top3 = 0;                   ///< top3_hits / switches (0 when none)
  std::uint64_t recent_switches = 0; ///< switches in the rolling window (at most its size)
  double recent_top1 = 0;            ///< top-1 accuracy over the rolling window
  double recent_top3 = 0;            ///< top-3 hit rate over the rolling window
};

/// CAF serialisation of accuracy_figures.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, accuracy_figures& x) {
  return f(caf::meta::type_name("accuracy_figures"), x.switches, x.top1_hits, x.top3_hits,
           x.top1, x.top3, x.recent_switches, x.recent_top1, x.recent_top3);
}

/// The learned model as a whole.
struct model_snapshot {
  bool learning = true;
  std::uint64_t learned_switches = 0;      ///< switches learned since the model began
  std::uint64_t sessions = 0;              ///< held sessions (expired ones leave at housekeeping)
  std::vector<transition_count> transitions; ///< non-zero counts, preset file order
  accuracy_figures accuracy;
};

/// CAF serialisation of model_snapshot.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, model_snapshot& x) {
  return f(caf::meta::type_name("model_snapshot"), x.learning, x.learned_switches, x.sessions,
           x.transitions, x.accuracy);
}

/// One live session's switches and how well they were predicted.
struct session_accuracy {
  std::string session_id;
  session_mode mode = session_mode::normal;
  std::uint64_t switches = 0;  ///< every preset switch
  std::uint64_t measured = 0;  ///< switches the predictor was measured on
  std::uint64_t top1_hits = 0; ///< of them, predicted as the first choice
};

/// CAF serialisation of session_accuracy.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_accuracy& x) {
  return f(caf::meta::type_name("session_accuracy"), x.session_id, x.mode, x.switches,
           x.measured, x.top1_hits);
}

/// Figures for /api/cache/stats "prediction".
struct predictor_stats {
  double accuracy = 0;                  ///< top-1 accuracy, all time
  double top3_hit_rate = 0;             ///< all time
  double recent_accuracy = 0;           ///< top-1 over the rolling window
  double recent_top3_hit_rate = 0;      ///< over the rolling window
  std::uint64_t measured_switches = 0;
  std::uint64_t learned_switches = 0;
  bool learning = true;
  std::uint64_t sessions = 0;           ///< held sessions (expired ones leave at housekeeping)
  std::string session_id;               ///< the session the next fields describe
  bool session_known = false;           ///< false: no such live session (fields below 0)
  session_mode mode = session_mode::normal;
  std::uint64_t switches_in_session = 0; ///< every preset switch of the session
  double session_duration_minutes = 0;
  std::vector<session_accuracy> session_list; ///< every live session, by id
};

/// CAF serialisation of predictor_stats.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, predictor_stats& x) {
  return f(caf::meta::type_name("predictor_stats"), x.accuracy, x.top3_hit_rate,
           x.recent_accuracy, x.recent_top3_hit_rate, x.measured_switches, x.learned_switches,
           x.learning, x.sessions, x.session_id, x.session_known, x.mode,
           x.switches_in_session, x.session_duration_minutes, x.session_list);
}

/// A session's mode changed (sent to the predictor's subscribers).
struct mode_change {
  std::string session_id;
  session_mode from = session_mode::normal;
  session_mode to = session_mode::normal;
};

/// CAF serialisation of mode_change.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, mode_change& x) {
  return f(caf::meta::type_name("mode_change"), x.session_id, x.from, x.to);
}

} // namespace auralis::actors
