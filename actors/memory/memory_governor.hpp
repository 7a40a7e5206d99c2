#pragma once

#include <cstdint>

namespace auralis::actors {

/// Byte budgets of the three tiers.
struct tier_budgets {
  std::uint64_t l1 = 0;
  std::uint64_t l2 = 0;
  std::uint64_t l3 = 0;

  /// l1 + l2 + l3.
  std::uint64_t total() const noexcept { return l1 + l2 + l3; }
};

/// Equal when every budget is.
inline bool operator==(const tier_budgets& a, const tier_budgets& b) noexcept {
  return a.l1 == b.l1 && a.l2 == b.l2 && a.l3 == b.l3;
}
inline bool operator!=(const tier_budgets& a, const tier_budgets& b) noexcept {
  return !(a == b);
}

/// Keeps the process's resident memory within the tiers' configured budgets plus a fixed
/// allowance, without an actor: the tiers give up what the rest of the process (workers'
/// buffers, queued jobs' inputs, the demotion backlog, answers being sent) holds beyond
/// the allowance. Both figures are measured (resident set size, bytes the tiers hold),
/// never estimated.
///
/// Each update(rss, tier_bytes) takes the memory outside the tiers as rss - tier_bytes and
/// lets the tiers have limit - outside - margin, where limit = configured total +
/// allowance and margin is room for what grows between two samples; never more than
/// configured. A cut takes L2 first (PCM: the least audio per MB, and its entries are
/// speculative), then L3; L1 (the chunks listeners fetch next) is never cut. Cuts apply
/// at once; the tiers grow back by at most `step` bytes per update, so a tier that refills
/// is seen by the next sample before it grows further. Not thread-safe.
class memory_governor {
public:
  /// `configured`: the tiers' budgets from the configuration; `allowance_bytes`: resident
  /// memory allowed beyond them (tiers.overhead_mb); `margin_bytes`: kept free below the
  /// limit; `step_bytes` (> 0): most growth per update. Throws std::invalid_argument when
  /// step_bytes is 0.
  memory_governor(tier_budgets configured, std::uint64_t allowance_bytes,
                  std::uint64_t margin_bytes, std::uint64_t step_bytes);

  /// The budgets after a sample of `rss_bytes` (the process's resident set) of which the
  /// tiers hold `tier_bytes` (more than rss counts as all of rss).
  const tier_budgets& update(std::uint64_t rss_bytes, std::uint64_t tier_bytes) noexcept;

  /// The budgets now (the configured ones before the first update).
  const tier_budgets& budgets() const noexcept { return budgets_; }
  /// The configured budgets.
  const tier_budgets& configured() const noexcept { return configured_; }
  /// Resident memory the process is held to: configured total + allowance.
  std::uint64_t limit() const noexcept { return configured_.total() + allowance_; }
  /// Memory outside the tiers at the last update (0 before the first).
  std::uint64_t outside() const noexcept { return outside_; }
  /// Updates that lowered the budgets' total.
  std::uint64_t cuts() const noexcept { return cuts_; }

private:
  tier_budgets configured_;
  std::uint64_t allowance_;
  std::uint64_t margin_;
  std::uint64_t step_;
  tier_budgets budgets_;
  std::uint64_t outside_ = 0;
  std::uint64_t cuts_ = 0;
};

} // namespace auralis::actors
