#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/cache/tier_actor.hpp"
#include "actors/common/atoms.hpp"
#include "actors/common/failure_log.hpp"
#include "actors/memory/memory_governor.hpp"
#include "actors/planner/planner_actor.hpp"

namespace auralis::actors {

/// What the memory governor reports.
struct governor_report {
  std::uint64_t limit_bytes = 0;   ///< resident memory the process is held to
  std::uint64_t outside_bytes = 0; ///< resident memory outside the tiers at the last sample
  std::uint64_t l1_budget = 0;     ///< the tiers' budgets now, bytes
  std::uint64_t l2_budget = 0;
  std::uint64_t l3_budget = 0;
  std::uint64_t cuts = 0;          ///< samples that lowered the tiers' budgets
  std::uint64_t samples = 0;       ///< samples taken
};

/// CAF serialisation of governor_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, governor_report& x) {
  return f(caf::meta::type_name("governor_report"), x.limit_bytes, x.outside_bytes,
           x.l1_budget, x.l2_budget, x.l3_budget, x.cuts, x.samples);
}

/// The memory governor: every settings.interval it samples the process's resident memory
/// and the bytes the three tiers hold, runs memory_governor::update, and when the budgets
/// changed sends each changed tier its new budget (the tier evicts down to it) and the
/// planner all three (so it plans within them). One sample at a time: a tier that does
/// not answer within the interval skips that sample. stats answers a governor_report.
using governor_actor =
  caf::typed_actor<caf::reacts_to<tick_atom>, caf::replies_to<stats_atom>::with<governor_report>>;

/// How the governor is set up.
struct governor_settings {
  tier_budgets configured;              ///< the tiers' configured budgets, bytes
  std::uint64_t allowance_bytes = 64'000'000; ///< tiers.overhead_mb
  std::uint64_t margin_bytes = 24'000'000; ///< kept free below the limit
  std::uint64_t step_bytes = 8'000'000;    ///< most growth per sample, > 0
  std::chrono::milliseconds interval{1000}; ///< between samples, > 0
  tier_actor l1, l2, l3;
  planner_actor planner;                ///< invalid: no planner is told
  /// The process's resident bytes now; nullopt (or empty): unknown, the sample is skipped.
  std::function<std::optional<std::uint64_t>()> resident_bytes;
};

/// State of the governor actor.
struct governor_state {
  governor_settings settings;
  std::optional<memory_governor> governor;
  bool sampling = false;
  std::uint64_t samples = 0;
  failure_log dropped{"memory-governor"}; ///< failed budget messages, logged
  static inline const char* name = "memory-governor";
};

/// Spawns as described at governor_actor; the first sample is taken at once.
governor_actor::behavior_type memory_governor_actor_impl(
  governor_actor::stateful_pointer<governor_state> self, governor_settings settings);

} // namespace auralis::actors
