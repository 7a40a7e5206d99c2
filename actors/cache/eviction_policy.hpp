#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/common/cache_key.hpp"

namespace auralis::actors {

/// Clock of the cache (monotonic; tests pass their own time points).
using cache_clock = std::chrono::steady_clock;

/// What a policy may look at for one held entry.
struct entry_view {
  const cache_key* key = nullptr;
  double probability = 0;            ///< planner's estimate that it will be played, 0..1
  cache_clock::time_point created;   ///< when it was stored
  cache_clock::time_point last_access;
  std::uint64_t bytes = 0;           ///< bytes it holds
};

/// Chooses which entries leave a tier when room is needed.
class eviction_policy {
public:
  virtual ~eviction_policy() = default;

  /// Indices into `entries` to evict, in eviction order, whose bytes add up to at least
  /// `needed` (all of them if they hold less). Empty when `needed` is 0. `now` is the
  /// current time for age rules.
  virtual std::vector<std::size_t> choose_victims(const std::vector<entry_view>& entries,
                                                  std::uint64_t needed,
                                                  cache_clock::time_point now) const = 0;
};

/// The earlier system's rule: lowest probability first, then least recently used, then
/// oldest key order (so the choice is deterministic).
class probability_lru_policy : public eviction_policy {
public:
  std::vector<std::size_t> choose_victims(const std::vector<entry_view>& entries,
                                          std::uint64_t needed,
                                          cache_clock::time_point now) const override;
};

/// L3's rule: entries older than `max_age` go first (oldest first), then as
/// probability_lru_policy.
class aged_probability_lru_policy : public eviction_policy {
public:
  explicit aged_probability_lru_policy(cache_clock::duration max_age) : max_age_(max_age) {}

  std::vector<std::size_t> choose_victims(const std::vector<entry_view>& entries,
                                          std::uint64_t needed,
                                          cache_clock::time_point now) const override;

private:
  cache_clock::duration max_age_;
};

} // namespace auralis::actors
