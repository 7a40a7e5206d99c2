#pragma once

// Naming a tier, and asking all three tiers the same question, from inside an
// event-based actor.

#include <array>
#include <memory>
#include <utility>

#include "actors/cache/tier_actor.hpp"

namespace auralis::actors {

/// The handle of tier `t` in `holder`, anything with members `l1`, `l2` and `l3` (the
/// core actors, the planner's settings).
template <class Holder>
const tier_actor& tier_of(const Holder& holder, tier_id t) {
  switch (t) {
    case tier_id::l1: return holder.l1;
    case tier_id::l2: return holder.l2;
    case tier_id::l3: break;
  }
  return holder.l3;
}

/// The three tiers of `holder` (as tier_of), in tier order.
template <class Holder>
std::array<tier_actor, 3> tiers_of(const Holder& holder) {
  return {holder.l1, holder.l2, holder.l3};
}

/// Sends `xs...` to L1, then L2, then L3, each request after the previous answer (so a
/// clear or a listing sees the tiers in order), and calls `done(std::array<Reply, 3>&)`
/// with the three answers in tier order. `ask_one(tier, on_reply, xs...)` sends one
/// request and calls `on_reply(Reply&)` with its answer; what happens on an error or a
/// timeout is its own business (it must not call `on_reply` then, so `done` is not called
/// either). The asker must outlive the requests.
template <class Reply, class AskOne, class Done, class... Ts>
void ask_each_tier(const std::array<tier_actor, 3>& tiers, AskOne ask_one, Done done,
                   Ts... xs) {
  auto replies = std::make_shared<std::array<Reply, 3>>();
  ask_one(
    tiers[0],
    [=](Reply& a) {
      (*replies)[0] = std::move(a);
      ask_one(
        tiers[1],
        [=](Reply& b) {
          (*replies)[1] = std::move(b);
          ask_one(
            tiers[2],
            [=](Reply& c) {
              (*replies)[2] = std::move(c);
              done(*replies);
            },
            xs...);
        },
        xs...);
    },
    xs...);
}

/// ask_each_tier with CAF requests of `self` timing out after `timeout`; the first error
/// goes to `failed(caf::error&)`, and then `done` is not called.
template <class Reply, class Self, class Timeout, class Done, class Failed, class... Ts>
void ask_each_tier(Self self, const std::array<tier_actor, 3>& tiers, Timeout timeout,
                   Done done, Failed failed, Ts... xs) {
  ask_each_tier<Reply>(
    tiers,
    [self, timeout, failed](const tier_actor& tier, auto on_reply, auto... ys) {
      self->request(tier, timeout, ys...).then(std::move(on_reply), failed);
    },
    std::move(done), xs...);
}

} // namespace auralis::actors
