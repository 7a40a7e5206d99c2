#pragma once

// Helpers for actor tests: a real actor system with the engine's message types, and a
// blocking request helper. Include after <boost/test/unit_test.hpp>.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/engine_error.hpp"
#include "actors/common/engine_event.hpp"
#include "actors/message_types.hpp"
#include "actors/scheduler_settings.hpp"

namespace auralis::test {

/// An actor system with the engine's message types registered.
struct actor_system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  actor_system_fixture() {
    actors::add_message_types(cfg);
    actors::apply_scheduler_settings(cfg, 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

/// An actor system on CAF's deterministic test coordinator: scheduled actors run only
/// inside run(), one message at a time on the test's own thread, and time moves only in
/// advance(). For actors that start no threads of their own (no detached actors): a test
/// checks each step of their behaviour exactly, with nothing to wait for.
struct deterministic_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  deterministic_fixture() {
    actors::add_message_types(cfg);
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.inline-output", true);
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    // Actors a test leaves running are dropped with the system, not awaited.
    sys->await_actors_before_shutdown(false);
  }

  /// Stops every actor spawned through spawn(), then runs what is left: the system's
  /// shutdown runs until no timeout is pending, so a periodic actor left alive would keep it
  /// going for ever.
  ~deterministic_fixture() {
    for (const auto& a : spawned_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  /// Spawns an actor that the fixture stops at the end of the test.
  template <class... Ts>
  auto spawn(Ts&&... xs) {
    auto handle = sys->spawn(std::forward<Ts>(xs)...);
    spawned_.push_back(caf::actor_cast<caf::actor>(handle));
    return handle;
  }

  /// Runs queued messages until none is left (timeouts wait for advance()); how many ran.
  std::size_t run() {
    std::size_t ran = 0;
    while (sched->try_run_once())
      ++ran;
    return ran;
  }

  /// Moves the clock on by `d`, fires the timeouts then due, and runs what they queued;
  /// how many messages ran.
  std::size_t advance(caf::timespan d) {
    sched->clock().advance_time(d);
    return run();
  }

  /// Lets the actors handle everything sent so far, then sends a request from `self`, runs
  /// the actors again and returns the answer; fails the test when the request fails or the
  /// actors fall idle without answering.
  template <class Reply, class Handle, class... Ts>
  Reply ask(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
    run();
    auto answer = self->request(h, caf::infinite, std::forward<Ts>(xs)...);
    run();
    if (self->mailbox().empty())
      BOOST_FAIL("the actors fell idle without answering");
    Reply out{};
    std::move(answer).receive(
      [&](Reply& r) { out = std::move(r); },
      [&](caf::error& e) { BOOST_FAIL("request failed: " + self->system().render(e)); });
    return out;
  }

private:
  std::vector<caf::actor> spawned_;
};

/// Turns a recorded event into the line a test compares.
using event_format = std::function<std::string(const actors::engine_event&)>;

/// State of an event recorder: what arrived, and how to report it.
struct event_recorder_state {
  std::vector<actors::engine_event> got;
  event_format format;
};

/// An event sink that records every event; list answers them as lines, in arrival order.
using event_recorder =
  caf::typed_actor<caf::reacts_to<actors::event_atom, actors::engine_event>,
                   caf::replies_to<actors::list_atom>::with<std::vector<std::string>>>;

/// Behaviour of an event recorder reporting each event through `format`.
inline event_recorder::behavior_type
event_recorder_impl(event_recorder::stateful_pointer<event_recorder_state> self,
                    event_format format) {
  self->state.format = std::move(format);
  return {
    [self](actors::event_atom, actors::engine_event& e) {
      self->state.got.push_back(std::move(e));
    },
    [self](actors::list_atom) {
      std::vector<std::string> out;
      for (const auto& e : self->state.got)
        out.push_back(self->state.format(e));
      return out;
    },
  };
}

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

namespace auralis::test {

/// Polls `condition` until it holds or `deadline` passes (for state an actor reaches with
/// no reply to wait for); true when it held. Never a fixed wait: it returns as soon as the
/// condition holds.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    if (condition())
      return true;
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::yield();
  }
}

} // namespace auralis::test
