#include "actors/planner/job_selection.hpp"

#include <cmath>
#include <set>

namespace auralis::actors {

job_selection select_jobs(const wanted_set& wanted, const wanted_set_builder& builder,
                          const std::array<std::vector<entry_record>, 3>& held,
                          const std::map<cache_key, pending_job>& pending,
                          const std::function<bool(const cache_key&)>& plannable,
                          const job_caps& caps) {
  job_selection out;
  std::map<cache_key, std::array<bool, 3>> held_in; // key -> held in L1, L2, L3
  for (std::size_t t = 0; t < 3; ++t) {
    auto& update = out.updates[t];
    for (const auto& r : held[t]) {
      held_in[r.key][t] = true;
      const double p = builder.held_probability(wanted, r.key);
      if (std::fabs(p - r.probability) > 1e-9) {
        update.keys.push_back(r.key);
        update.probabilities.push_back(p);
      }
    }
  }
  auto in = [&](const cache_key& k, std::size_t t) {
    auto it = held_in.find(k);
    return it != held_in.end() && it->second[t];
  };
  std::set<cache_key> selected;
  // A key held nowhere (or, for L1, not in L1 or L2), not pending, not chosen already and
  // plannable.
  auto open = [&](const cache_key& k, bool l1) {
    if (l1 ? in(k, 0) || in(k, 1) : held_in.count(k) != 0)
      return false;
    return !pending.count(k) && !selected.count(k) && plannable(k);
  };
  auto select = [&](job_action action, const wanted_entry& e, tier_id target) {
    out.jobs.push_back({action, e.key, target, e.probability, e.room});
    selected.insert(e.key);
  };
  int outstanding[3] = {0, 0, 0};
  int room_outstanding = 0;
  for (const auto& [k, job] : pending) {
    if (job.room)
      ++room_outstanding;
    else
      ++outstanding[static_cast<int>(job.target)];
  }
  for (const auto& e : wanted.l1)
    if (open(e.key, true))
      select(in(e.key, 2) ? job_action::promote : job_action::render, e, tier_id::l1);
  for (const auto& e : wanted.l2) {
    if (e.room || !open(e.key, false))
      continue;
    if (outstanding[1] >= caps.l2)
      return out; // L2 is not satisfied yet: no L3 work
    select(job_action::render, e, tier_id::l2);
    ++outstanding[1];
  }
  for (const auto& e : wanted.l3) {
    if (outstanding[2] >= caps.l3)
      break;
    if (e.room || !open(e.key, false))
      continue;
    select(job_action::render, e, tier_id::l3);
    ++outstanding[2];
  }
  // The room: likeliest first, L2's before L3's.
  for (const auto tier : {tier_id::l2, tier_id::l3}) {
    for (const auto& e : wanted.of(tier)) {
      if (room_outstanding >= caps.room)
        break;
      if (!e.room || !open(e.key, false))
        continue;
      select(job_action::render, e, tier);
      ++room_outstanding;
    }
  }
  return out;
}

} // namespace auralis::actors
