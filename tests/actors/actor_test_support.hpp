#pragma once

// Helpers for actor tests: a real actor system with the engine's message types, and a
// blocking request helper. Include after <boost/test/unit_test.hpp>.

#include <chrono>
#include <memory>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/engine_error.hpp"
#include "actors/message_types.hpp"

namespace auralis::test {

/// An actor system with the engine's message types registered.
struct actor_system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  actor_system_fixture() {
    actors::add_message_types(cfg);
    cfg.set("scheduler.max-threads", std::size_t{2});
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

/// Sends a request and waits for its answer; fails the test on an error.
template <class Reply, class Handle, class... Ts>
Reply ask(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
  Reply out{};
  self->request(h, std::chrono::seconds(30), std::forward<Ts>(xs)...)
    .receive([&](Reply& r) { out = std::move(r); },
             [&](caf::error& e) { BOOST_FAIL("request failed: " + self->system().render(e)); });
  return out;
}

/// Sends a request and returns its error (an empty error if it succeeded).
template <class Reply, class Handle, class... Ts>
caf::error ask_error(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
  caf::error out;
  self->request(h, std::chrono::seconds(30), std::forward<Ts>(xs)...)
    .receive([&](Reply&) {}, [&](caf::error& e) { out = std::move(e); });
  return out;
}

} // namespace auralis::test
