#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/predictor/accuracy_tracker.hpp"
#include "actors/predictor/branch_forecaster.hpp"
#include "actors/predictor/content_affinity.hpp"
#include "actors/predictor/predictor_error.hpp"
#include "actors/predictor/predictor_messages.hpp"
#include "actors/predictor/session_registry.hpp"
#include "actors/predictor/transition_model.hpp"
#include "config/engine_config.hpp"

namespace auralis::actors {

/// What the predictor is built from.
struct predictor_settings {
  config::predictor_config predictor;
  config::planner_config planner;
  config::preset_set presets;   ///< at least one preset
  double chunk_seconds = 15;    ///< length of a chunk, > 0

  /// The predictor's part of `cfg`.
  static predictor_settings from(const config::engine_config& cfg);
};

/// The predictor without an actor: learns preset switching habits from position updates,
/// predicts a session's next preset, measures its own accuracy, and turns predictions into
/// branch scenarios for the planner. Sessions are separate; the learned transition counts,
/// accuracy figures and learning switch are shared. Every method takes the time as an
/// argument (a monotonic clock the caller owns); nothing here reads a clock or sleeps.
/// Not thread-safe.
///
/// The user prediction for a session on preset A is the transition model's p(. | A) with
/// the x recent_boost for targets the session switched to from A within recent_window_s
/// (or the cold-start defaults when nothing is learned from A yet, and always when
/// learning is off). When the session has content features for its next chunk, the final
/// prediction is (user_weight x user + content_weight x content) / (user_weight +
/// content_weight), where content is the content_affinity scores of the presets other
/// than A rescaled to sum 1 (left out when every such score is 0).
///
/// A switch that passes the session's hygiene rules is first measured (the rank of the new
/// preset in the session's prediction just before it, into the accuracy figures) and then,
/// when learning is on, counted into the transition model.
class predictor {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// A predictor with nothing learned, the model last saved at `now`.
  /// Throws std::invalid_argument for an empty preset set or chunk_seconds <= 0.
  predictor(predictor_settings settings, time_point now);

  /// Applies a position update (see position_update). Throws predictor_error:
  /// unknown_preset for a preset not in the set; invalid_argument for a session id over
  /// 128 bytes or with control characters, a negative track id, a negative or non-finite
  /// position, or an intensity outside 0..1.
  position_reply update(const position_update& u, time_point now);

  /// The session's prediction: its top_n next presets. New features in `r` are kept by
  /// the session first. Throws predictor_error: not_found when the session has no live
  /// state, invalid_argument for a feature outside 0..1.
  prediction_reply predict(const prediction_request& r, time_point now);

  /// The session's branch scenarios (see branch_forecaster), over its full ranking. Same
  /// errors as predict().
  branch_plan branches(const prediction_request& r, time_point now);

  /// Accuracy and learning figures, and those of session `session_id` ("default" when
  /// empty; session_known false when it has no live state).
  predictor_stats stats(const std::string& session_id, time_point now) const;

  /// The learned counts and figures.
  model_snapshot snapshot() const;

  /// Whether switches are learned (and the model saved).
  bool learning() const noexcept { return learning_; }

  /// Turns learning on or off. Off: predictions use the static defaults, switches are still
  /// measured but not counted, and save_due() stays false.
  void set_learning(bool on) noexcept { learning_ = on; }

  /// Forgets the counts, the accuracy figures and every session's recent switches;
  /// sessions keep their track, preset and mode. Answers how many counted transitions were
  /// forgotten. The model is then dirty (saved at the next save while learning is on).
  std::uint64_t forget();

  /// Removes sessions idle for session_idle_timeout_s or longer; answers how many.
  std::size_t expire_sessions(time_point now);

  /// Whether the model should be saved now: learning is on, something changed since the
  /// last save, and save_every_switches switches were learned or save_every_s passed
  /// since then.
  bool save_due(time_point now) const;

  /// Whether something changed since the last save (or since the model was restored).
  bool dirty() const noexcept { return dirty_; }

  /// The model as the JSON text of the model file (see docs/predictor.md).
  std::string model_json() const;

  /// Replaces the model (counts, learned switch count, accuracy figures) with the model
  /// file text `text`, as one step: nothing changes when it throws std::runtime_error
  /// (not JSON, another format or version, a bad or missing value). Answers the preset
  /// names the file has and the preset set does not (their counts were skipped).
  std::vector<std::string> restore_model(const std::string& text);

  /// Notes that the model was saved at `now`.
  void mark_saved(time_point now) noexcept;

  /// Name used for an empty session id.
  static constexpr const char* default_session = "default";

  /// The settings in use.
  const predictor_settings& settings() const noexcept { return settings_; }

private:
  /// (preset index, probability) for every preset but the session's current one, most
  /// likely first; `content_used` says whether content features took part.
  std::vector<std::pair<std::size_t, double>> ranked(const listener_session& s, time_point now,
                                                     bool& content_used) const;
  listener_session& live_session(const prediction_request& r, time_point now);
  std::int64_t chunk_of(double position_s) const;

  predictor_settings settings_;
  transition_model model_;
  accuracy_tracker accuracy_;
  content_affinity affinity_;
  branch_forecaster forecaster_;
  session_registry sessions_;
  bool learning_;
  std::uint64_t learned_switches_ = 0;
  bool dirty_ = false;
  std::uint64_t unsaved_switches_ = 0;
  time_point last_saved_;
};

} // namespace auralis::actors
