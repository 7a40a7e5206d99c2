#define BOOST_TEST_MODULE memory_governor_actor
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>

#include "actors/actor_test_support.hpp"
#include "actors/memory/memory_governor_actor.hpp"

using namespace auralis::actors;

namespace {

audio_payload payload_of(std::size_t n) {
  auto v = auralis::codec::byte_buffer::allocate(n);
  std::fill(v->data(), v->data() + n, std::uint8_t{1});
  return {v};
}

tier_actor spawn_tier(auralis::test::deterministic_fixture& f, tier_id t, std::uint64_t budget) {
  tier_settings s;
  s.tier = t;
  s.budget_bytes = budget;
  return f.spawn(tier_actor_impl, s);
}

/// Governor settings for `configured` budgets, `allowance` and `margin` bytes, 100-byte
/// steps and 5 ms between samples; no tiers and no resident figure yet.
governor_settings settings_of(tier_budgets configured, std::uint64_t allowance,
                              std::uint64_t margin) {
  governor_settings gs;
  gs.configured = configured;
  gs.allowance_bytes = allowance;
  gs.margin_bytes = margin;
  gs.step_bytes = 100;
  gs.interval = std::chrono::milliseconds(5);
  return gs;
}

/// Budgets of the three tiers as the tiers themselves report them.
tier_budgets tier_side(auralis::test::deterministic_fixture& f, caf::scoped_actor& self,
                       const tier_actor& l1, const tier_actor& l2, const tier_actor& l3) {
  return {f.ask<tier_report>(self, l1, stats_atom::value).budget,
          f.ask<tier_report>(self, l2, stats_atom::value).budget,
          f.ask<tier_report>(self, l3, stats_atom::value).budget};
}

} // namespace

BOOST_FIXTURE_TEST_CASE(the_tiers_give_up_what_the_process_holds_beyond_its_allowance,
                        auralis::test::deterministic_fixture) {
  // On the deterministic coordinator: each advance() by the interval is one sample.
  caf::scoped_actor self{*sys};
  // Budgets 1000 + 2000 + 3000 bytes, 500 bytes allowed beyond them, 100-byte steps.
  auto l1 = spawn_tier(*this, tier_id::l1, 1000);
  auto l2 = spawn_tier(*this, tier_id::l2, 2000);
  auto l3 = spawn_tier(*this, tier_id::l3, 3000);
  for (std::int64_t c = 0; c < 4; ++c)
    ask<put_reply>(self, l2, caf::put_atom::value, cache_key{1, "warm", 10, c},
                   payload_of(500), 0.5);
  ask<put_reply>(self, l3, caf::put_atom::value, cache_key{1, "warm", 10, 9}, payload_of(1000),
                 0.5);
  std::uint64_t rss = 3000; // all of it the tiers'
  auto gs = settings_of({1000, 2000, 3000}, 500, 100);
  gs.l1 = l1;
  gs.l2 = l2;
  gs.l3 = l3;
  gs.resident_bytes = [&rss]() -> std::optional<std::uint64_t> { return rss; };
  auto governor = spawn(memory_governor_actor_impl, gs);
  run(); // the first sample, taken at once
  auto g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.samples == 1u);
  BOOST_TEST(g.limit_bytes == 6500u);
  BOOST_TEST(g.outside_bytes == 0u);
  BOOST_TEST(g.cuts == 0u);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 2000, 3000}));
  // The process now holds 4000 bytes outside the tiers' 3000: at the next sample the tiers
  // get 6500 - 4000 - 100 = 2400 bytes: L1 its 1000, L3 1400, L2 nothing.
  rss = 7000;
  advance(gs.interval);
  g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.samples == 2u);
  BOOST_TEST(g.outside_bytes == 4000u);
  BOOST_TEST(g.cuts == 1u);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 0, 1400}));
  const auto r2 = ask<tier_report>(self, l2, stats_atom::value);
  BOOST_TEST(r2.bytes == 0u);
  BOOST_TEST(r2.evictions == 4u);
  BOOST_TEST(ask<tier_report>(self, l3, stats_atom::value).bytes == 1000u); // still fits
  // Memory given back (the tiers hold L3's 1000 bytes, nothing is outside): they grow back
  // by one 100-byte step a sample, L3 first, then L2.
  rss = 1000;
  advance(gs.interval);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 0, 1500}));
  for (int i = 0; i < 15; ++i)
    advance(gs.interval);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 0, 3000}));
  advance(gs.interval);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 100, 3000}));
  for (int i = 0; i < 19; ++i)
    advance(gs.interval);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 2000, 3000}));
  advance(gs.interval); // never beyond the configured budgets
  g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.samples == 39u);
  BOOST_TEST(g.cuts == 1u);
  BOOST_TEST((tier_side(*this, self, l1, l2, l3) == tier_budgets{1000, 2000, 3000}));
}

BOOST_FIXTURE_TEST_CASE(a_sample_without_a_resident_figure_changes_nothing,
                        auralis::test::deterministic_fixture) {
  caf::scoped_actor self{*sys};
  auto l2 = spawn_tier(*this, tier_id::l2, 2000);
  auto gs = settings_of({0, 2000, 0}, 0, 0);
  gs.l2 = l2;
  gs.resident_bytes = []() -> std::optional<std::uint64_t> { return std::nullopt; };
  auto governor = spawn(memory_governor_actor_impl, gs);
  run();
  for (int i = 0; i < 3; ++i)
    advance(gs.interval);
  const auto g = ask<governor_report>(self, governor, stats_atom::value);
  BOOST_TEST(g.samples == 0u);
  BOOST_TEST(g.cuts == 0u);
  BOOST_TEST(ask<tier_report>(self, l2, stats_atom::value).budget == 2000u);
}
