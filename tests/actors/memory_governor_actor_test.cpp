#define BOOST_TEST_MODULE memory_governor_actor
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <memory>

#include "actor_test_support.hpp"
#include "actors/memory_governor_actor.hpp"

using namespace auralis::actors;
using auralis::test::ask;
using auralis::test::eventually;

namespace {

audio_payload payload_of(std::size_t n) {
  auto v = auralis::codec::byte_buffer::allocate(n);
  std::fill(v->data(), v->data() + n, std::uint8_t{1});
  return {v};
}

tier_actor spawn_tier(caf::actor_system& sys, tier_id t, std::uint64_t budget) {
  tier_settings s;
  s.tier = t;
  s.budget_bytes = budget;
  return sys.spawn(tier_actor_impl, s);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(the_tiers_give_up_what_the_process_holds_beyond_its_allowance,
                        auralis::test::actor_system_fixture) {
  caf::scoped_actor self{*sys};
  // Budgets 1000 + 2000 + 3000 bytes, 500 bytes allowed beyond them, 100-byte steps.
  auto l1 = spawn_tier(*sys, tier_id::l1, 1000);
  auto l2 = spawn_tier(*sys, tier_id::l2, 2000);
  auto l3 = spawn_tier(*sys, tier_id::l3, 3000);
  for (std::int64_t c = 0; c < 4; ++c)
    ask<put_reply>(self, l2, caf::put_atom::value, cache_key{1, "warm", 10, c}, payload_of(500),
                   0.5);
  ask<put_reply>(self, l3, caf::put_atom::value, cache_key{1, "warm", 10, 9}, payload_of(1000),
                 0.5);
  auto rss = std::make_shared<std::atomic<std::uint64_t>>(3000); // all of it the tiers'
  governor_settings gs;
  gs.configured = {1000, 2000, 3000};
  gs.allowance_bytes = 500;
  gs.margin_bytes = 100;
  gs.step_bytes = 100;
  gs.interval = std::chrono::milliseconds(5);
  gs.l1 = l1;
  gs.l2 = l2;
  gs.l3 = l3;
  gs.resident_bytes = [rss]() -> std::optional<std::uint64_t> { return rss->load(); };
  auto governor = sys->spawn(memory_governor_actor_impl, gs);
  BOOST_REQUIRE(eventually([&] {
    return ask<governor_report>(self, governor, stats_atom::value).samples >= 2u;
  }));
  auto g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.limit_bytes == 6500u);
  BOOST_TEST(g.cuts == 0u);
  BOOST_TEST(ask<tier_report>(self, l2, stats_atom::value).budget == 2000u);
  // The process now holds 4000 bytes outside the tiers' 3000: the tiers get 6500 - 4000 -
  // 100 = 2400 bytes: L1 its 1000, L3 1400, L2 nothing.
  rss->store(7000);
  BOOST_REQUIRE(eventually([&] {
    return ask<tier_report>(self, l2, stats_atom::value).budget == 0u;
  }));
  const auto r2 = ask<tier_report>(self, l2, stats_atom::value);
  BOOST_TEST(r2.bytes == 0u);
  BOOST_TEST(r2.evictions == 4u);
  BOOST_REQUIRE(eventually([&] {
    return ask<tier_report>(self, l3, stats_atom::value).budget == 1400u;
  }));
  BOOST_TEST(ask<tier_report>(self, l3, stats_atom::value).bytes == 1000u); // still fits
  BOOST_TEST(ask<tier_report>(self, l1, stats_atom::value).budget == 1000u);
  g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.l2_budget == 0u);
  BOOST_TEST(g.cuts >= 1u);
  // Memory given back: the tiers grow back to their configured budgets, a step at a time.
  rss->store(1000);
  BOOST_REQUIRE(eventually([&] {
    return ask<tier_report>(self, l2, stats_atom::value).budget == 2000u;
  }));
  BOOST_TEST(ask<tier_report>(self, l3, stats_atom::value).budget == 3000u);
  self->send_exit(governor, caf::exit_reason::user_shutdown);
  for (const auto& t : {l1, l2, l3})
    self->send_exit(t, caf::exit_reason::user_shutdown);
}
