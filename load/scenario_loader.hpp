#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "load/scenario.hpp"

namespace auralis::load {

/// A scenario that cannot be used. what() reads "<file>: <key>: <rule>", e.g.
/// "config/scenarios/x.json: arrivals.rate: must be a number > 0".
class scenario_error : public std::runtime_error {
public:
  scenario_error(std::string file, std::string key, const std::string& message);

  /// The file (or name) the scenario came from.
  const std::string& file() const noexcept { return file_; }
  /// Dotted key of the offending value; empty for a file-level problem.
  const std::string& key() const noexcept { return key_; }

private:
  std::string file_;
  std::string key_;
};

/// Reads scenario files strictly: every key is checked for type and range, unknown keys
/// are refused, and thresholds must name known metrics.
class scenario_loader {
public:
  /// Parses JSON `text`; `file` names it in errors and in scenario::source; `name` is
  /// used when the file has no "name" key.
  static scenario parse(const std::string& text, const std::string& file, const std::string& name);

  /// Loads `name_or_path`: a path to a file (it contains '/' or ends in .json), or a bare
  /// name looked up as config/scenarios/<name>.json under the current folder, then under
  /// the source tree, then among the compiled-in copies.
  static scenario load(const std::string& name_or_path);

  /// Names of the compiled-in scenarios.
  static std::vector<std::string> embedded_names();
};

/// The compiled-in scenario files: (name, JSON text).
const std::vector<std::pair<std::string, std::string>>& embedded_scenarios();

} // namespace auralis::load
