#define BOOST_TEST_MODULE planner_actor
#include <boost/test/unit_test.hpp>

#include "actors/planner/planner_test_fixture.hpp"

using namespace auralis;
using namespace auralis::actors;
using namespace auralis::actors::planner_test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_CASE(planner_pre_renders_do_not_move_hit_or_miss_counters, engine_fixture) {
  start({20});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  auto r = test::ask<position_reply>(self, core.planner, position_atom::value,
                                     position_of("a", id, 0.5, "adaptive"));
  BOOST_TEST(r.accepted);
  settle(self);
  // Pre-rendered: the current preset's chunks 0 and 1 in L1, chunks further on in L2/L3.
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{id, "adaptive", 10, 0}).found);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{id, "adaptive", 10, 1}).found);
  BOOST_TEST(test::ask<peek_reply>(self, core.l2, peek_atom::value, cache_key{id, "adaptive", 10, 3}).found);
  BOOST_TEST(report(self, core.l3).count > 0u);
  std::vector<tier_report> before{report(self, core.l1), report(self, core.l2), report(self, core.l3)};
  BOOST_TEST(total_hits(before) == 0u);
  BOOST_TEST(total_misses(before) == 0u);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", id, "adaptive", 1));
  BOOST_TEST((f.source == fetch_source::l1));
  settle(self);
  std::vector<tier_report> after{report(self, core.l1), report(self, core.l2), report(self, core.l3)};
  BOOST_TEST(total_hits(after) == 1u);
  BOOST_TEST(total_misses(after) == 0u);
  BOOST_TEST(after[0].hits == 1u);
}

BOOST_FIXTURE_TEST_CASE(only_a_fetch_that_moves_its_session_plans_again, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // L2 holds only what the rules plan
  start({20});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value,
                                       position_of("a", id, 0.5, "adaptive"))
               .accepted);
  settle(self);
  BOOST_REQUIRE(report(self, core.l2).count > 0u);
  // L2 emptied behind the planner's back: only a new plan refills it.
  BOOST_TEST(test::ask<std::uint64_t>(self, core.l2, clear_atom::value) > 0u);
  const auto before = settle(self).submitted;
  // The chunk the session is at, again: an L1 hit that plans nothing.
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", id, "adaptive", 0));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(settle(self).submitted == before);
  BOOST_TEST(report(self, core.l2).count == 0u);
  // The next chunk moves the session: the new plan renders L2 again.
  f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                             fetch_of("a", id, "adaptive", 1));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(settle(self).submitted > before);
  BOOST_TEST(report(self, core.l2).count > 0u);
}

BOOST_FIXTURE_TEST_CASE(the_next_track_is_ready_before_the_current_one_ends, engine_fixture) {
  start({10, 7});
  caf::scoped_actor self{*sys};
  const auto list = tracks(self);
  const auto first = list.at(0).id, second = list.at(1).id;
  const cache_key next_start{second, "warm", 10, 0};
  // Chunk 2 of 4: the next track is named but not wanted yet (only loaded).
  auto u = position_of("a", first, 6.5, "warm");
  u.next_track_id = second;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value, u).accepted);
  settle(self);
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, next_start).found);
  // The last chunk: the next track's first chunk is rendered into L1 ahead of its fetch.
  clock.advance(1000);
  u.position_s = 9.5;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value, u).accepted);
  settle(self);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, next_start).found);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", second, "warm", 0));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(report(self, core.l1).misses == 0u);
}

BOOST_FIXTURE_TEST_CASE(invalidate_removes_the_track_from_every_tier, engine_fixture) {
  start({9, 9});
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  const auto a = ts.at(0).id, b = ts.at(1).id;
  auto fa = test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", a, "warm", 0));
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("b", b, "warm", 0));
  settle(self);
  test::ask<put_reply>(self, core.l2, caf::put_atom::value, cache_key{a, "punchy", 10, 2}, fa.pcm, 0.9);
  test::ask<put_reply>(self, core.l3, caf::put_atom::value, cache_key{a, "punchy", 10, 1}, fa.pcm, 0.9);
  const auto removed = test::ask<std::uint64_t>(self, core.planner, invalidate_atom::value, a);
  BOOST_TEST(removed >= 3u);
  for (const auto* t : {&core.l1, &core.l2, &core.l3})
    for (const auto& e : test::ask<std::vector<entry_record>>(self, *t, list_atom::value))
      BOOST_TEST(e.key.track_id != a);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{b, "warm", 10, 0}).found);
  // The track still plays after it was invalidated (its data is loaded afresh).
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", a, "warm", 0));
  BOOST_TEST((again.source == fetch_source::miss));
}

BOOST_FIXTURE_TEST_CASE(the_room_holds_the_playhead_and_the_next_chunk_in_every_preset,
                        engine_fixture) {
  start({12});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", id, "warm", 1));
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy"};
  auto held = [&](const cache_key& k) {
    for (const auto* t : {&core.l1, &core.l2, &core.l3})
      if (test::ask<peek_reply>(self, *t, peek_atom::value, k).found)
        return true;
    return false;
  };
  // Waits, with a deadline, until every preset's chunks 1 and 2 are held in some tier.
  std::vector<cache_key> missing;
  test::eventually(
    [&] {
      missing.clear();
      for (const auto& p : presets)
        for (std::int64_t c : {1, 2})
          if (!held(cache_key{id, p, 10, c}))
            missing.push_back(cache_key{id, p, 10, c});
      return missing.empty();
    },
    60s);
  BOOST_TEST(missing.empty(), missing.size() << " chunks of the playhead are not held");
  // Within the budgets.
  for (const auto* t : {&core.l1, &core.l2, &core.l3}) {
    const auto r = report(self, *t);
    BOOST_TEST(r.bytes <= r.budget);
  }
}

BOOST_FIXTURE_TEST_CASE(budgets_hold_with_many_sessions, engine_fixture) {
  start({12, 12, 12}, 4.5, 6.5, 0.6);
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy"};
  for (int i = 0; i < 20; ++i) {
    auto r = test::ask<position_reply>(
      self, core.planner, position_atom::value,
      position_of("s" + std::to_string(i), ts[i % 3].id, (i % 4) * 3.0 + 0.5, presets[i % 5]));
    BOOST_TEST(r.accepted);
  }
  settle(self);
  for (const auto* t : {&core.l1, &core.l2, &core.l3}) {
    const auto r = report(self, *t);
    BOOST_TEST(r.bytes <= r.budget);
    BOOST_TEST(r.count > 0u);
  }
  BOOST_TEST(report(self, core.l1).count <= 4u); // 4.5 chunks of budget
}

BOOST_FIXTURE_TEST_CASE(mode_changes_are_published_as_events, engine_fixture) {
  start({30});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy",
                                         "adaptive", "gentle"};
  position_reply last;
  for (std::size_t i = 0; i < presets.size(); ++i) {
    last = test::ask<position_reply>(self, core.planner, position_atom::value,
                                     position_of("x", id, 1.0 + static_cast<double>(i), presets[i]));
    clock.advance(2000);
  }
  BOOST_TEST((last.mode == session_mode::exploration));
  // The notification reached the planner before its next reply; the event was sent then.
  test::ask<tier_latency>(self, core.planner, latency_atom::value);
  const auto got = test::ask<std::vector<std::string>>(self, events, list_atom::value);
  BOOST_TEST(std::count(got.begin(), got.end(), "mode_changed:x:exploration") == 1);
  settle(self);
  // Exploring: every preset's playing chunk is held in PCM (L1, or L2 when L1 is full).
  for (const auto& p : {"adaptive", "gentle", "warm", "bright", "punchy"}) {
    const cache_key k{id, p, 10, 2};
    BOOST_TEST((test::ask<peek_reply>(self, core.l1, peek_atom::value, k).found ||
                test::ask<peek_reply>(self, core.l2, peek_atom::value, k).found));
  }
}
