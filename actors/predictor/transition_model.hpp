#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "config/json_writer.hpp"
#include "config/preset.hpp"

namespace auralis::actors {

/// The learned switching habits shared by all listener sessions: how often a listener
/// switched from preset A to preset B. Presets are indices of the preset set it was built
/// with. Not thread-safe.
///
/// Rules: p(B | A) = w(A, B) / sum over X of w(A, X), with w(A, B) = count(A, B), times
/// `boost` when the caller marks B as recently seen from A. A preset with no counted
/// transition out of it ("cold start") uses the static defaults instead: the configured
/// cold-start probabilities without A, rescaled to sum 1 (uniform over the other presets
/// when none of them has a default). Old habits fade: when the transitions counted from
/// one preset reach `row_total_limit`, every count of that row is halved (rounded down;
/// a transition whose count drops to 0 is forgotten).
class transition_model {
public:
  /// `cold_start`: default probability by preset name (names missing from `presets` are
  /// ignored, presets missing from it default to 0). `row_total_limit` >= 2.
  /// Throws std::invalid_argument when row_total_limit < 2.
  transition_model(const config::preset_set& presets,
                   const std::map<std::string, double>& cold_start,
                   std::uint64_t row_total_limit);

  /// Counts one switch `from` -> `to` (then halves the row if it reached the limit).
  /// Throws std::invalid_argument when from == to or either index is out of range.
  void record(std::size_t from, std::size_t to);

  /// Count of `from` -> `to` (0 when never seen or out of range).
  std::uint64_t count(std::size_t from, std::size_t to) const;

  /// Sum of the counts out of `from`.
  std::uint64_t total_from(std::size_t from) const;

  /// Sum of all counts.
  std::uint64_t total() const;

  /// Number of presets.
  std::size_t preset_count() const noexcept { return names_.size(); }

  /// Name of preset `index`.
  const std::string& name_of(std::size_t index) const { return names_.at(index); }

  /// Whether any transition out of `from` is counted (false = cold start).
  bool knows(std::size_t from) const { return total_from(from) > 0; }

  /// Probability of each preset being the next one after `from` (index order; `from`
  /// itself 0). Uses the counts when `from` has any, else cold_start(from). `recent`
  /// (same size as the preset set, or empty for none) marks the targets whose count is
  /// multiplied by `boost`.
  std::vector<double> probabilities(std::size_t from, const std::vector<bool>& recent,
                                    double boost) const;

  /// The static defaults after `from` (index order; `from` itself 0; sums to 1 when there
  /// is more than one preset).
  std::vector<double> cold_start(std::size_t from) const;

  /// Every preset but `from`, most likely first under `probabilities`; ties go to the
  /// higher cold-start default, then to file order.
  std::vector<std::size_t> ranking(const std::vector<double>& probabilities,
                                   std::size_t from) const;

  /// Forgets every count; answers how many transitions (sum of counts) were forgotten.
  std::uint64_t clear();

  /// Writes the counts as a JSON object {"<from>": {"<to>": count, ...}, ...} in preset
  /// file order; zero counts are left out.
  void write_json(config::json_writer& w) const;

  /// Replaces the counts with those of `counts` (an object written by write_json) as one
  /// step: nothing changes when it throws. Counts must be whole numbers in [1, 2^53];
  /// rows at or over the limit are halved until below it. Preset names the set does not
  /// know are skipped and listed in the return value. Throws config::json_field_error (a
  /// std::runtime_error) naming the bad key.
  std::vector<std::string> read_json(config::json_reader& counts);

private:
  void halve_if_full(std::size_t from);

  std::vector<std::string> names_;
  std::vector<double> defaults_;                 ///< cold-start default by index
  std::vector<std::vector<std::uint64_t>> counts_; ///< [from][to]
  std::uint64_t row_total_limit_;
};

} // namespace auralis::actors
