#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "actors/common/cache_key.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/planner/wanted_set_builder.hpp"

namespace auralis::actors {

/// A planner job submitted and not back yet.
struct pending_job {
  tier_id target = tier_id::l1; ///< the tier it fills (a promotion: L1)
  std::uint64_t epoch = 0;      ///< its track's epoch when it was submitted
  bool room = false;            ///< a room entry (counted apart from the tier's own jobs)
};

/// How many planner jobs may be outstanding at once (planner_settings' *_jobs_in_flight).
struct job_caps {
  int l2 = 5;   ///< L2 renders, room ones not counted
  int l3 = 2;   ///< L3 renders, room ones not counted
  int room = 2; ///< room renders, into L2 or L3
};

/// What a selected job does.
enum class job_action {
  render, ///< render the key and store it in the target tier
  promote ///< decode the key's L3 entry into L1
};

/// One job to submit.
struct selected_job {
  job_action action = job_action::render;
  cache_key key;
  tier_id target = tier_id::l1; ///< the tier the result goes to (L1 for a promotion)
  double probability = 0;       ///< the key's wanted probability
  bool room = false;            ///< a room entry of the wanted set
};

/// The outcome of one planning round.
struct job_selection {
  /// Per tier (index = tier_id): held entries whose probability must change, and to what.
  std::array<probability_update, 3> updates;
  /// Jobs to submit, in this order.
  std::vector<selected_job> jobs;
};

/// Turns the wanted set into probability updates and jobs, without an actor.
/// `held[t]` is tier t's listing; `pending` the planner's outstanding jobs;
/// `plannable(key)` false for keys no job may be submitted for (track not loaded or
/// failed, crowded out, served by a fetch now). Rules, in this order:
/// - every held entry whose probability differs from builder.held_probability(wanted, key)
///   gets an update in its own tier;
/// - each L1 key neither in L1 or L2, nor pending, nor unplannable: promoted when L3 holds
///   it, rendered into L1 otherwise (no cap: the listener fetches it next);
/// - each L2 key (room ones aside) held nowhere, not pending and plannable: rendered into
///   L2 while fewer than caps.l2 non-room L2 jobs are pending, pending ones included; when
///   the cap stops one, nothing below is selected (L1 and L2 come first);
/// - then each L3 key (room aside) held nowhere, not pending, plannable: rendered into L3
///   while fewer than caps.l3 non-room L3 jobs are pending;
/// - then the room entries of L2, then of L3, the same way, while fewer than caps.room
///   room jobs are pending.
/// A key is selected at most once. A cap of 0 or less selects nothing of its kind.
job_selection select_jobs(const wanted_set& wanted, const wanted_set_builder& builder,
                          const std::array<std::vector<entry_record>, 3>& held,
                          const std::map<cache_key, pending_job>& pending,
                          const std::function<bool(const cache_key&)>& plannable,
                          const job_caps& caps);

} // namespace auralis::actors
