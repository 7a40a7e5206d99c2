#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/predictor/model_store.hpp"
#include "actors/predictor/predictor.hpp"
#include "actors/predictor/predictor_messages.hpp"

namespace auralis::actors {

/// Whoever wants to hear about session mode changes (the planner).
using mode_listener = caf::typed_actor<caf::reacts_to<mode_atom, mode_change>>;

/// The predictor: a thin actor over `predictor` (see docs/predictor.md).
/// - position, update: applies a player's position update (a preset that differs from the
///   session's is a switch); answers accepted/throttled, the chunk index and the mode.
///   A mode change is also sent to every subscriber. Errors: unknown_preset,
///   invalid_argument;
/// - predict, request: the session's current state and top predictions (not_found for a
///   session without live state, invalid_argument for bad features);
/// - branches, request: the session's branch scenarios for the planner (same errors);
/// - model: the learned counts and accuracy figures; learning, on: turns learning on or
///   off, answers the new setting; forget: forgets what was learned, answers how many
///   counted transitions went;
/// - stats, session id: accuracy figures and the session's (empty id = "default");
/// - subscribe, listener: adds a mode-change subscriber (dropped when it exits); answers
///   the number of subscribers;
/// - save: writes the model file now if learning is on; answers whether it was written;
/// - tick, generation: housekeeping (expires idle sessions, saves when due). The actor's
///   own timer sends it every save_every_s / 4 with its generation; a tick with
///   generation 0 does the housekeeping once without touching the timer.
/// The model is loaded from the model file at start-up (missing = fresh start; unreadable
/// = moved aside, fresh start), saved every save_every_switches learned switches or
/// save_every_s seconds when something changed, and at exit; never while learning is off.
using predictor_actor = caf::typed_actor<
  caf::replies_to<position_atom, position_update>::with<position_reply>,
  caf::replies_to<predict_atom, prediction_request>::with<prediction_reply>,
  caf::replies_to<branches_atom, prediction_request>::with<branch_plan>,
  caf::replies_to<model_atom>::with<model_snapshot>,
  caf::replies_to<learning_atom, bool>::with<bool>,
  caf::replies_to<forget_atom>::with<std::uint64_t>,
  caf::replies_to<stats_atom, std::string>::with<predictor_stats>,
  caf::replies_to<subscribe_atom, mode_listener>::with<std::uint64_t>,
  caf::replies_to<save_atom>::with<bool>,
  caf::reacts_to<caf::tick_atom, std::uint64_t>>;

/// How the predictor actor is set up.
struct predictor_actor_settings {
  predictor_settings model;
  std::string model_file; ///< where the model persists; empty = never loaded or saved
  /// The clock every handler reads (tests inject one); empty = steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> clock;
};

/// State of the predictor actor.
struct predictor_state {
  std::unique_ptr<predictor> model;   ///< the plain predictor
  std::unique_ptr<model_store> store; ///< the model file; null = no persistence
  std::function<std::chrono::steady_clock::time_point()> clock; ///< empty = steady_clock
  std::vector<mode_listener> listeners; ///< mode-change subscribers (monitored)
  std::uint64_t timer = 1; ///< generation of the actor's own tick
  static inline const char* name = "predictor";

  /// The time now, by the configured clock.
  std::chrono::steady_clock::time_point now() const;

  /// Writes the model file if there is one and learning is on; logs a failure. Answers
  /// whether it was written.
  bool save();

  /// Saves a model that changed since its last save (the shutdown save).
  ~predictor_state();
};

/// Behaviour of the predictor actor: loads the model, then answers the interface above.
predictor_actor::behavior_type
predictor_actor_impl(predictor_actor::stateful_pointer<predictor_state> self,
                     predictor_actor_settings settings);

} // namespace auralis::actors
