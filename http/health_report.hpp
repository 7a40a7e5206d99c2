#pragma once

#include <cstdint>
#include <string>

namespace auralis::http {

/// The cache figures health is judged on.
struct cache_figures {
  std::uint64_t client_fetches = 0; ///< client fetches served (hits + misses)
  std::uint64_t l1_hits = 0;        ///< of which served from L1
  std::uint64_t total_hits = 0;     ///< of which served from any tier
  std::uint64_t bytes_held = 0;     ///< bytes held by all tiers, measured
  std::uint64_t budget_bytes = 0;   ///< total budget (tiers.total_mb), bytes
  double prediction_accuracy = 0;   ///< predictor top-1 accuracy, 0..1
};

/// Overall verdict of GET /api/cache/health.
enum class health_status {
  healthy,  ///< serving well, or too few fetches to judge (an idle cache is healthy)
  warning,  ///< L1 hit rate below 50%, or memory above 90% of the budget
  critical, ///< overall hit rate below 30%, or memory above the budget
};

/// Name of `s` as the API spells it ("healthy", "warning", "critical").
const char* to_string(health_status s) noexcept;

/// Judges health. Hit rates are judged only from `min_fetches_to_judge` client fetches on;
/// memory is always judged.
class health_report {
public:
  /// Client fetches needed before hit rates count.
  static constexpr std::uint64_t min_fetches_to_judge = 20;

  explicit health_report(const cache_figures& f);

  health_status status() const noexcept { return status_; }
  /// One sentence for people.
  const std::string& message() const noexcept { return message_; }
  /// The seed's JSON: status, message, l1_hit_rate, overall_hit_rate, total_memory_mb,
  /// memory_limit_mb, memory_utilization, prediction_accuracy.
  std::string to_json() const;

private:
  cache_figures f_;
  health_status status_ = health_status::healthy;
  std::string message_;
};

} // namespace auralis::http
