#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/predictor/predictor_messages.hpp"
#include "config/engine_config.hpp"

namespace auralis::actors {

/// Turns a session's prediction into the branch scenarios the planner prepares L2 for.
/// With the playing chunk c and the planner_config defaults:
/// - continue_current: current preset, chunks c+2..c+4, probability 0.6;
/// - switch_to_<X> for the top switch_top_n (3) predictions with probability above 0:
///   chunks c+1..c+2, probability p(X) x 0.3 / rank (rank 1, 2, 3);
/// - seek_forward: current preset, chunks c+10..c+11, probability 0.05, only when the
///   position is past seek_after_s (120 s) into the track;
/// - toggle_back: the previously used preset (when there is one and it is not the current
///   one), chunk c+1, probability 0.05.
class branch_forecaster {
public:
  /// Uses the scenario rules of `cfg`.
  explicit branch_forecaster(config::planner_config cfg) : cfg_(std::move(cfg)) {}

  /// Scenarios in the order above. `ranked`: predicted next presets, most likely first.
  std::vector<branch_scenario> plan(const std::string& current,
                                    const std::optional<std::string>& previous,
                                    double position_s, std::int64_t chunk_idx,
                                    const std::vector<preset_probability>& ranked) const;

private:
  config::planner_config cfg_;
};

} // namespace auralis::actors
