#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load/load_metrics.hpp"
#include "load/scenario.hpp"
#include "load/threshold.hpp"

namespace auralis::load {

/// A threshold and how it fared.
struct threshold_result {
  threshold condition;           ///< the threshold
  threshold_outcome outcome;     ///< held, breached or not measured
  std::optional<double> value;   ///< the metric's value, when measured
};

/// One step of a capacity search.
struct capacity_step {
  int sessions = 0;                  ///< listener sessions during the step
  bool held = false;                 ///< every threshold held within the step
  std::vector<std::string> breaches; ///< thresholds breached (their text)
  std::map<std::string, double> metrics; ///< the step's figures
};

/// What a run was, besides its figures.
struct run_info {
  scenario plan;                      ///< the scenario as run (overrides applied)
  std::string url;                    ///< the server
  double elapsed_s = 0;               ///< wall seconds of the whole run
  std::optional<int> server_pid;      ///< the process sampled, when found
  int attackers = 0;                  ///< attacker sessions
  std::vector<capacity_step> steps;   ///< capacity: every step run
  std::optional<int> capacity_sessions; ///< capacity: the last session count that held
};

/// The result of a run: figures, thresholds, as JSON and as a table.
class load_report {
public:
  /// Evaluates `conditions` against `figures`.
  static std::vector<threshold_result> evaluate(const std::vector<threshold>& conditions,
                                                const std::map<std::string, double>& figures);

  /// A report of `figures`, with `results` of the thresholds.
  load_report(run_info info, load_figures figures, std::vector<threshold_result> results);

  /// Whether every threshold held (and, for a capacity search, its first step held).
  bool passed() const;

  /// Every figure as one JSON object (see docs/load-testing.md).
  std::string to_json() const;

  /// A readable summary: per kind and tier count, p50/p95/p99/max; hits; errors; memory;
  /// thresholds.
  std::string to_table() const;

  /// The figures.
  const load_figures& figures() const noexcept { return figures_; }
  /// The threshold results.
  const std::vector<threshold_result>& results() const noexcept { return results_; }

private:
  run_info info_;
  load_figures figures_;
  std::vector<threshold_result> results_;
};

/// The word for `o` ("held", "breached", "not measured").
const char* outcome_text(threshold_outcome o);

} // namespace auralis::load
