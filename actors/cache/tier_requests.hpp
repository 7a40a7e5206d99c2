#pragma once

// Asking all three tiers the same question from inside an event-based actor.

#include <array>
#include <memory>
#include <utility>

#include "actors/cache/tier_actor.hpp"

namespace auralis::actors {

/// Sends `xs...` to L1, then L2, then L3 (each request after the previous answer, so a
/// clear or a listing sees the tiers in order) with `timeout` each, and calls
/// `done(std::array<Reply, 3>&)` with the three answers in tier order, or `failed(error&)`
/// with the first error; never both. `self` must outlive the requests (it is the asker).
template <class Reply, class Self, class Timeout, class Done, class Failed, class... Ts>
void ask_each_tier(Self self, const std::array<tier_actor, 3>& tiers, Timeout timeout,
                   Done done, Failed failed, Ts... xs) {
  auto replies = std::make_shared<std::array<Reply, 3>>();
  self->request(tiers[0], timeout, xs...)
    .then(
      [=](Reply& a) {
        (*replies)[0] = std::move(a);
        self->request(tiers[1], timeout, xs...)
          .then(
            [=](Reply& b) {
              (*replies)[1] = std::move(b);
              self->request(tiers[2], timeout, xs...)
                .then(
                  [=](Reply& c) {
                    (*replies)[2] = std::move(c);
                    done(*replies);
                  },
                  failed);
            },
            failed);
      },
      failed);
}

} // namespace auralis::actors
