#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace auralis::load {

/// A threshold text that cannot be parsed, or names an unknown metric.
class threshold_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Comparison of a threshold.
enum class comparison {
  less,          ///< <
  less_equal,    ///< <=
  greater,       ///< >
  greater_equal, ///< >=
  equal,         ///< ==
  not_equal,     ///< !=
};

/// How a threshold fared against the figures of a run.
enum class threshold_outcome {
  held,         ///< the comparison is true
  breached,     ///< the comparison is false
  not_measured, ///< the run has no value for the metric (counts as a breach)
};

/// One pass/fail condition on a figure of a run, as k6 writes them:
/// `"switch_ms_p95 < 150"`, `"underruns == 0"`, `"hit_rate >= 0.8"`.
class threshold {
public:
  /// Parses `text` ("<metric> <op> <number>", spaces optional around the operator).
  /// Throws threshold_error naming the problem, e.g. an unknown metric.
  static threshold parse(const std::string& text);

  /// Whether `name` is a metric thresholds may name.
  static bool known_metric(const std::string& name);

  /// Every metric name thresholds may use, sorted.
  static std::vector<std::string> metric_names();

  /// The metric named.
  const std::string& metric() const noexcept { return metric_; }
  /// The comparison.
  comparison op() const noexcept { return op_; }
  /// The number compared with.
  double limit() const noexcept { return limit_; }
  /// The text as written.
  const std::string& text() const noexcept { return text_; }

  /// Compares `value` (nullopt: not measured) with the limit.
  threshold_outcome evaluate(std::optional<double> value) const;

  /// Looks the metric up in `figures` and compares.
  threshold_outcome evaluate(const std::map<std::string, double>& figures) const;

private:
  std::string text_;
  std::string metric_;
  comparison op_ = comparison::less;
  double limit_ = 0;
};

/// The spelling of `c` ("<", "<=", ...).
const char* comparison_text(comparison c);

} // namespace auralis::load
