#define BOOST_TEST_MODULE probed_actor
#include <boost/test/unit_test.hpp>

#include "actors/common/probed_actor.hpp"

#include <future>

#include "actors/actor_test_support.hpp"

using namespace auralis;
using namespace auralis::actors;

namespace {

/// Answers get, n with n + 1, after waiting for `gate` (a test's latch).
using adder_actor = caf::typed_actor<caf::replies_to<caf::get_atom, int>::with<int>>;

adder_actor::behavior_type adder_impl(adder_actor::pointer, std::shared_future<void> gate) {
  return {
    [gate](caf::get_atom, int n) {
      gate.wait();
      return n + 1;
    },
  };
}

std::uint64_t kind_count(const actor_figures& f, const std::string& kind) {
  for (const auto& [k, n] : f.by_kind)
    if (k == kind)
      return n;
  return 0;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(each_handled_message_is_counted_by_kind_and_timed,
                        test::deterministic_fixture) {
  probe_registry reg;
  std::promise<void> open;
  open.set_value();
  auto adder = spawn_probed(*sys, &reg, "adder", "test", adder_impl, open.get_future().share());
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 3; ++i)
    self->send(adder, caf::get_atom::value, i);
  // The deterministic scheduler has run nothing yet: all three wait in the mailbox.
  auto f = reg.figures().at(0);
  BOOST_TEST(f.name == "adder");
  BOOST_TEST(f.kind == "test");
  BOOST_TEST(f.id == adder->id());
  BOOST_TEST(f.mailbox == 3u);
  BOOST_TEST(f.messages == 0u);
  run();
  f = reg.figures().at(0);
  BOOST_TEST(f.mailbox == 0u);
  BOOST_TEST(f.mailbox_max == 3u);
  BOOST_TEST(f.messages == 3u);
  BOOST_TEST(kind_count(f, "get") == 3u);
  BOOST_TEST(f.mailbox_time.count() == 3u);
  BOOST_TEST(f.processing_time.count() == 3u);
  // The replies went back to `self`, which is not measured.
  for (int i = 0; i < 3; ++i)
    self->receive([&](int n) { BOOST_TEST(n == i + 1); });
  caf::anon_send_exit(adder, caf::exit_reason::user_shutdown);
  run();
  f = reg.figures().at(0);
  BOOST_TEST(!f.alive);
  // A message to a stopped actor is dropped, and counted so.
  self->send(adder, caf::get_atom::value, 9);
  run();
  BOOST_TEST(reg.figures().at(0).dropped == 1u);
  BOOST_TEST(reg.figures().at(0).mailbox == 0u);
}

BOOST_FIXTURE_TEST_CASE(the_mailbox_fills_while_the_actor_is_blocked,
                        test::actor_system_fixture) {
  probe_registry reg;
  std::promise<void> gate;
  auto adder = spawn_probed<caf::detached>(*sys, &reg, "blocked", "test", adder_impl,
                                           gate.get_future().share());
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 4; ++i)
    self->send(adder, caf::get_atom::value, i);
  // The first message blocks its handler: the other three wait behind it.
  BOOST_TEST(test::eventually([&] {
    const auto f = reg.figures().at(0);
    return f.messages == 1u && f.mailbox == 3u;
  }));
  BOOST_TEST(reg.figures().at(0).busy_share > 0.0);
  BOOST_TEST(probe_registry::totals(reg.figures()).queued_messages == 3u);
  gate.set_value();
  BOOST_TEST(test::eventually([&] {
    const auto f = reg.figures().at(0);
    return f.messages == 4u && f.mailbox == 0u;
  }));
  const auto f = reg.figures().at(0);
  BOOST_TEST(f.processing_time.count() == 4u);
  BOOST_TEST(f.mailbox_time.count() == 4u);
  BOOST_TEST(f.mailbox_max >= 3u);
  for (int i = 0; i < 4; ++i)
    self->receive([&](int n) { BOOST_TEST(n == i + 1); });
  caf::anon_send_exit(adder, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(without_a_registry_the_actor_is_plain, test::actor_system_fixture) {
  std::promise<void> open;
  open.set_value();
  auto adder = spawn_probed(*sys, nullptr, "plain", "test", adder_impl,
                            open.get_future().share());
  caf::scoped_actor self{*sys};
  self->request(adder, caf::infinite, caf::get_atom::value, 41)
    .receive([](int n) { BOOST_TEST(n == 42); },
             [](caf::error&) { BOOST_FAIL("the plain actor did not answer"); });
  caf::anon_send_exit(adder, caf::exit_reason::user_shutdown);
}
