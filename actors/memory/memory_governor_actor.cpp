#include "actors/memory/memory_governor_actor.hpp"

#include <memory>

namespace auralis::actors {

namespace {

using governor_pointer = governor_actor::stateful_pointer<governor_state>;

/// Applies a sample: the tiers held `tier_bytes` of the process's `rss` bytes.
void apply(governor_pointer self, std::uint64_t rss, std::uint64_t tier_bytes) {
  auto& st = self->state;
  const tier_budgets before = st.governor->budgets();
  const tier_budgets& now = st.governor->update(rss, tier_bytes);
  ++st.samples;
  if (now == before)
    return;
  auto send_budget = [self](const tier_actor& tier, std::uint64_t bytes) {
    if (tier)
      self->request(tier, self->state.settings.interval, budget_atom::value, bytes)
        .then([](std::uint64_t) {},
              [self, bytes](caf::error& err) {
                self->state.dropped.note("a budget of " + std::to_string(bytes) +
                                           " bytes for a tier",
                                         self->system().render(err));
              });
  };
  if (now.l1 != before.l1)
    send_budget(st.settings.l1, now.l1);
  if (now.l2 != before.l2)
    send_budget(st.settings.l2, now.l2);
  if (now.l3 != before.l3)
    send_budget(st.settings.l3, now.l3);
  if (st.settings.planner)
    self->send(st.settings.planner, budget_atom::value, now.l1, now.l2, now.l3);
}

/// Takes one sample: the resident bytes, then the three tiers' bytes.
void sample(governor_pointer self) {
  auto& st = self->state;
  if (st.sampling || !st.settings.resident_bytes)
    return;
  const auto rss = st.settings.resident_bytes();
  if (!rss)
    return;
  st.sampling = true;
  struct fan_in {
    std::uint64_t bytes = 0;
    int waiting = 3;
    bool failed = false;
  };
  auto in = std::make_shared<fan_in>();
  const std::uint64_t resident = *rss;
  auto done = [self, in, resident] {
    if (--in->waiting > 0)
      return;
    self->state.sampling = false;
    if (!in->failed)
      apply(self, resident, in->bytes);
  };
  for (const tier_actor* tier : {&st.settings.l1, &st.settings.l2, &st.settings.l3}) {
    if (!*tier) {
      done();
      continue;
    }
    self->request(*tier, st.settings.interval, stats_atom::value)
      .then([in, done](const tier_report& r) { in->bytes += r.bytes, done(); },
            [in, done](caf::error&) { in->failed = true, done(); });
  }
}

} // namespace

governor_actor::behavior_type memory_governor_actor_impl(governor_pointer self,
                                                         governor_settings settings) {
  auto& st = self->state;
  if (settings.interval.count() <= 0)
    settings.interval = std::chrono::milliseconds(1000);
  st.governor.emplace(settings.configured, settings.allowance_bytes, settings.margin_bytes,
                      settings.step_bytes > 0 ? settings.step_bytes : 1);
  st.settings = std::move(settings);
  self->send(self, tick_atom::value);
  return {
    [self](tick_atom) {
      sample(self);
      self->delayed_send(self, self->state.settings.interval, tick_atom::value);
    },
    [self](stats_atom) {
      const auto& st = self->state;
      const auto& g = *st.governor;
      governor_report r;
      r.limit_bytes = g.limit();
      r.outside_bytes = g.outside();
      r.l1_budget = g.budgets().l1;
      r.l2_budget = g.budgets().l2;
      r.l3_budget = g.budgets().l3;
      r.cuts = g.cuts();
      r.samples = st.samples;
      return r;
    },
  };
}

} // namespace auralis::actors
