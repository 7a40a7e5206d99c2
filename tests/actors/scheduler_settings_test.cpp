#define BOOST_TEST_MODULE scheduler_settings
#include <boost/test/unit_test.hpp>

#include <cstddef>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/scheduler_settings.hpp"

using namespace auralis::actors;

namespace {

std::size_t setting(const caf::actor_system_config& cfg, caf::string_view name) {
  return caf::get_or(cfg, name, std::size_t{999});
}

} // namespace

BOOST_AUTO_TEST_CASE(idle_threads_sleep_instead_of_polling) {
  caf::actor_system_config cfg;
  apply_scheduler_settings(cfg, 4);
  BOOST_TEST(setting(cfg, "scheduler.max-threads") == 4u);
  BOOST_TEST(setting(cfg, "work-stealing.aggressive-poll-attempts") == 20u);
  BOOST_TEST(setting(cfg, "work-stealing.moderate-poll-attempts") == 0u);
}

BOOST_AUTO_TEST_CASE(at_least_two_scheduler_threads) {
  for (unsigned cores : {0u, 1u, 2u}) {
    caf::actor_system_config cfg;
    apply_scheduler_settings(cfg, cores);
    BOOST_TEST(setting(cfg, "scheduler.max-threads") == 2u);
  }
}

BOOST_AUTO_TEST_CASE(a_system_with_these_settings_runs_actors) {
  caf::actor_system_config cfg;
  apply_scheduler_settings(cfg, 2);
  caf::actor_system sys{cfg};
  BOOST_TEST(sys.scheduler().num_workers() == 2u);
  // (CAF 0.17 mishandles a function actor spawned without arguments: hence the step.)
  auto echo = sys.spawn(
    [](int step) -> caf::behavior { return {[step](int x) { return x + step; }}; }, 1);
  caf::scoped_actor self{sys};
  int got = 0;
  self->request(echo, caf::infinite, 41).receive([&](int y) { got = y; },
                                                  [&](caf::error&) { got = -1; });
  BOOST_TEST(got == 42);
  self->send_exit(echo, caf::exit_reason::user_shutdown);
}
