#define BOOST_TEST_MODULE wanted_set_builder
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "actors/planner/wanted_set_builder.hpp"

using namespace auralis::actors;

namespace {

const std::vector<std::string> all_presets{"adaptive", "gentle", "warm", "bright", "punchy"};

wanted_set_settings roomy() {
  wanted_set_settings s;
  s.presets = all_presets;
  s.l1_budget_bytes = 100 * s.pcm_chunk_bytes;
  s.l2_budget_bytes = 100 * s.pcm_chunk_bytes;
  s.l3_budget_bytes = 100 * s.l3_chunk_bytes;
  return s;
}

/// roomy() with budgets for `l1` and `l2` PCM chunks and `l3` Opus chunks.
wanted_set_settings budgets(int l1, int l2, int l3) {
  wanted_set_settings s = roomy();
  s.l1_budget_bytes = l1 * s.pcm_chunk_bytes;
  s.l2_budget_bytes = l2 * s.pcm_chunk_bytes;
  s.l3_budget_bytes = l3 * s.l3_chunk_bytes;
  return s;
}

/// `s` with no room offsets: the rules' entries alone.
wanted_set_settings without_room(wanted_set_settings s) {
  s.room_chunks = {1, 0};
  return s;
}

planned_session session(const std::string& id, std::int64_t track, std::int64_t chunk,
                        const std::string& preset = "adaptive", std::int64_t chunks = 20) {
  planned_session s;
  s.session_id = id;
  s.track_id = track;
  s.chunks = chunks;
  s.chunk_idx = chunk;
  s.preset = preset;
  return s;
}

cache_key key(std::int64_t track, const std::string& preset, std::int64_t chunk) {
  return {track, preset, 10, chunk};
}

/// The keys the rules want (room entries left out).
std::set<cache_key> keys_of(const std::vector<wanted_entry>& list) {
  std::set<cache_key> out;
  for (const auto& e : list)
    if (!e.room)
      out.insert(e.key);
  return out;
}

/// The room entries' keys.
std::set<cache_key> room_keys_of(const std::vector<wanted_entry>& list) {
  std::set<cache_key> out;
  for (const auto& e : list)
    if (e.room)
      out.insert(e.key);
  return out;
}

bool ordered_by_probability(const std::vector<wanted_entry>& list) {
  return std::is_sorted(list.begin(), list.end(), [](const wanted_entry& a, const wanted_entry& b) {
    return a.probability > b.probability;
  });
}

} // namespace

BOOST_AUTO_TEST_CASE(l1_holds_current_and_predicted_presets_above_the_floor) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 4);
  s.predictions = {{"punchy", 0.5}, {"warm", 0.2}, {"bright", 0.18}, {"gentle", 0.12}};
  const auto w = planner.plan({s});
  const std::set<cache_key> expected{key(1, "adaptive", 4), key(1, "adaptive", 5),
                                     key(1, "punchy", 4),   key(1, "punchy", 5),
                                     key(1, "warm", 4),     key(1, "warm", 5)};
  BOOST_TEST((keys_of(w.l1) == expected)); // bright is a third prediction: at most 3 presets
  BOOST_TEST(ordered_by_probability(w.l1));
  BOOST_TEST(w.find(key(1, "adaptive", 4))->second == 0.95); // playing, fetched already
  BOOST_TEST(w.find(key(1, "adaptive", 5))->second == 1.0);  // the next fetch
  BOOST_TEST(w.find(key(1, "punchy", 4))->second == 0.5);
  // Below the floor: not in L1.
  s.predictions = {{"punchy", 0.15}, {"warm", 0.1}};
  const auto low = planner.plan({s});
  BOOST_TEST(keys_of(low.l1).size() == 2u);
  BOOST_TEST((low.find(key(1, "punchy", 4))->first == tier_id::l2)); // room only
  BOOST_TEST(room_keys_of(low.l2).count(key(1, "punchy", 4)) == 1u);
}

BOOST_AUTO_TEST_CASE(l2_takes_the_branch_scenarios_clipped_to_the_track) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 7, "adaptive", 10);
  s.scenarios = {{"continue_current", branch_kind::continue_current, "adaptive", 9, 11, 0.6},
                 {"switch_to_punchy", branch_kind::switch_to, "punchy", 8, 9, 0.15}};
  const auto w = planner.plan({s});
  const std::set<cache_key> expected{key(1, "adaptive", 9), key(1, "punchy", 8),
                                     key(1, "punchy", 9)};
  BOOST_TEST((keys_of(w.l2) == expected));
  BOOST_TEST(w.find(key(1, "adaptive", 9))->second == 0.6);
  BOOST_TEST((w.find(key(1, "punchy", 9))->first == tier_id::l2));
  // L1 has adaptive 7 and 8; no chunk of the track past its end anywhere.
  for (const auto& k : w.keys())
    BOOST_TEST(k.chunk_idx < 10);
}

BOOST_AUTO_TEST_CASE(l3_holds_the_current_preset_further_ahead_without_duplicates) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 0);
  s.scenarios = {{"continue_current", branch_kind::continue_current, "adaptive", 2, 4, 0.6}};
  const auto w = planner.plan({s});
  std::set<cache_key> expected;
  for (int c = 5; c <= 9; ++c)
    expected.insert(key(1, "adaptive", c)); // 2..4 are wanted in L2 already
  BOOST_TEST((keys_of(w.l3) == expected));
  BOOST_TEST(w.find(key(1, "adaptive", 5))->second > w.find(key(1, "adaptive", 9))->second);
  BOOST_TEST(w.size() == w.index.size());
}

BOOST_AUTO_TEST_CASE(exploration_widens_l1_to_every_preset_and_turns_l3_off) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 3);
  s.mode = session_mode::exploration;
  s.predictions = {{"gentle", 0.4}};
  const auto w = planner.plan({s});
  for (const auto& p : all_presets) {
    const auto* e = w.find(key(1, p, 3));
    BOOST_REQUIRE(e);
    BOOST_TEST((e->first == tier_id::l1));
    BOOST_TEST(e->second >= 0.2);
  }
  BOOST_TEST(w.l3.empty());
}

BOOST_AUTO_TEST_CASE(settled_deepens_l3_to_the_end_of_the_track) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 2, "warm", 30);
  s.mode = session_mode::settled;
  const auto w = planner.plan({s});
  BOOST_TEST(w.l3.size() == 30u - 4u); // chunks 4..29
  BOOST_TEST((w.find(key(1, "warm", 29))->first == tier_id::l3));
  s.mode = session_mode::normal;
  const auto normal = planner.plan({s});
  BOOST_TEST(normal.l3.size() == 8u); // chunks 4..11
  BOOST_TEST(!normal.find(key(1, "warm", 12)));
}

BOOST_AUTO_TEST_CASE(the_union_over_sessions_keeps_the_highest_probability) {
  wanted_set_builder planner(roomy());
  auto a = session("a", 1, 4, "adaptive");
  auto b = session("b", 1, 3, "punchy");
  b.predictions = {{"adaptive", 0.3}};
  const auto w = planner.plan({a, b});
  // adaptive 4 is a's playing chunk (0.95) and b's predicted +1 (0.3): one entry, 0.95.
  BOOST_TEST(std::count_if(w.l1.begin(), w.l1.end(),
                           [](const wanted_entry& e) { return e.key == key(1, "adaptive", 4); }) ==
             1);
  BOOST_TEST(w.find(key(1, "adaptive", 4))->second == 0.95);
  BOOST_TEST((w.find(key(1, "punchy", 3))->first == tier_id::l1));
  BOOST_TEST(w.find(key(1, "adaptive", 3))->second == 0.3);
  BOOST_TEST(w.live_tracks.size() == 1u);
}

BOOST_AUTO_TEST_CASE(budgets_hold_with_many_sessions_and_overflow_falls_one_tier_down) {
  wanted_set_settings s = roomy();
  s.l1_budget_bytes = 6 * s.pcm_chunk_bytes + 10;
  s.l2_budget_bytes = 12 * s.pcm_chunk_bytes;
  s.l3_budget_bytes = 40 * s.l3_chunk_bytes;
  wanted_set_builder planner(s);
  std::vector<planned_session> sessions;
  for (int i = 0; i < 20; ++i) {
    auto ses = session("s" + std::to_string(i), 1 + i % 3, i % 7, all_presets[i % 5]);
    ses.predictions = {{all_presets[(i + 1) % 5], 0.6}, {all_presets[(i + 2) % 5], 0.3}};
    ses.scenarios = {{"continue_current", branch_kind::continue_current, ses.preset,
                      ses.chunk_idx + 2, ses.chunk_idx + 4, 0.6}};
    sessions.push_back(ses);
  }
  const auto w = planner.plan(sessions);
  BOOST_TEST(w.l1.size() == 6u);
  BOOST_TEST(w.l2.size() == 12u);
  BOOST_TEST(w.l3.size() == 40u);
  BOOST_TEST(planner.capacity(tier_id::l1) == 6u);
  // The sessions' next chunks (probability 1) win L1 before anything else.
  for (const auto& e : w.l1)
    BOOST_TEST(e.probability >= 0.99);
  BOOST_TEST(w.l2.front().probability >= 0.99); // L1's overflow
  BOOST_TEST(ordered_by_probability(w.l2));
  BOOST_TEST(w.size() == w.index.size());
}

BOOST_AUTO_TEST_CASE(a_track_change_lowers_the_old_tracks_entries_below_everything_else) {
  wanted_set_builder planner(roomy());
  const auto before = planner.plan({session("a", 1, 4)});
  const auto held_old = key(1, "adaptive", 5);
  BOOST_TEST(planner.held_probability(before, held_old) > 0.9);
  const auto after = planner.plan({session("a", 2, 0)});
  const double old_p = planner.held_probability(after, held_old);
  const double unwanted_live = planner.held_probability(after, key(2, "bright", 15));
  const double wanted = planner.held_probability(after, key(2, "adaptive", 0));
  BOOST_TEST(old_p == planner.settings().departed_probability);
  BOOST_TEST(old_p < unwanted_live);
  BOOST_TEST(unwanted_live < wanted);
  BOOST_TEST(old_p > 0); // lowered, not cleared
}

BOOST_AUTO_TEST_CASE(sessions_without_a_known_track_length_plan_nothing) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 0);
  s.chunks = 0;
  BOOST_TEST(planner.plan({s}).size() == 0u);
  auto past = session("b", 1, 25, "adaptive", 20);
  BOOST_TEST(planner.plan({past}).size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_last_chunk_plans_the_first_chunk_of_the_next_track) {
  wanted_set_builder planner(roomy());
  // Two chunks before the end: L1 stays inside the track, the next track is not wanted.
  auto s = session("a", 1, 7, "adaptive", 10);
  s.next_track_id = 2;
  s.predictions = {{"punchy", 0.5}};
  const auto early = planner.plan({s});
  BOOST_TEST(!early.find(key(2, "adaptive", 0)));
  BOOST_TEST(!early.live_tracks.count(2));
  // The last chunk: the next fetch is chunk 0 of track 2, in the playing preset and in the
  // predicted one, with the probabilities of the L1 offset it stands for.
  s.chunk_idx = 9;
  const auto last = planner.plan({s});
  const std::set<cache_key> expected{key(1, "adaptive", 9), key(2, "adaptive", 0),
                                     key(1, "punchy", 9), key(2, "punchy", 0)};
  BOOST_TEST((keys_of(last.l1) == expected));
  BOOST_TEST(last.find(key(2, "adaptive", 0))->second == 1.0);
  BOOST_TEST(last.find(key(2, "punchy", 0))->second == 0.5 * 0.99);
  BOOST_TEST(last.live_tracks.count(2) == 1u); // its entries are not "departed"
  BOOST_TEST(planner.held_probability(last, key(2, "adaptive", 5)) ==
             planner.settings().stale_probability);
  // Without a next track nothing runs past the end.
  s.next_track_id = 0;
  const std::set<cache_key> inside{key(1, "adaptive", 9), key(1, "punchy", 9)};
  BOOST_TEST((keys_of(planner.plan({s}).l1) == inside));
}

BOOST_AUTO_TEST_CASE(room_holds_the_playhead_and_the_next_chunk_in_every_other_preset) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 4);
  s.predictions = {{"punchy", 0.5}, {"warm", 0.1}};
  const auto w = planner.plan({s});
  // adaptive and punchy 4, 5 are L1's; the rest of the presets take the room in L2.
  const std::set<cache_key> expected{key(1, "gentle", 4), key(1, "gentle", 5),
                                     key(1, "warm", 4),   key(1, "warm", 5),
                                     key(1, "bright", 4), key(1, "bright", 5)};
  BOOST_TEST((room_keys_of(w.l2) == expected));
  BOOST_TEST(room_keys_of(w.l1).empty());
  BOOST_TEST(room_keys_of(w.l3).empty());
  const auto& st = planner.settings();
  for (const auto& k : expected) {
    const double p = w.find(k)->second;
    BOOST_TEST(p > st.stale_probability);
    BOOST_TEST(p <= st.stale_probability + st.room_band);
  }
  // The predicted preset first, and the playing chunk before the next one.
  BOOST_TEST(w.find(key(1, "warm", 5))->second > w.find(key(1, "bright", 4))->second);
  BOOST_TEST(w.find(key(1, "bright", 4))->second > w.find(key(1, "bright", 5))->second);
  BOOST_TEST(w.find(key(1, "gentle", 4))->second == w.find(key(1, "bright", 4))->second);
  // Below every entry the rules want.
  for (const auto* list : {&w.l1, &w.l2, &w.l3})
    for (const auto& e : *list)
      if (!e.room)
        BOOST_TEST(e.probability > st.stale_probability + st.room_band);
  BOOST_TEST(w.size() == w.index.size());
}

BOOST_AUTO_TEST_CASE(room_holds_the_chunk_still_playing_while_the_player_fetched_ahead) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 5); // chunk 5 fetched ahead; chunk 4 still plays
  s.playhead_chunk = 4;
  s.predictions = {{"punchy", 0.5}, {"warm", 0.1}};
  const auto w = planner.plan({s});
  // Every other preset at 4 (adaptive 4, playing, was fetched already), then at 5 and 6
  // beyond what L1 holds.
  const std::set<cache_key> expected{key(1, "gentle", 4), key(1, "warm", 4),
                                     key(1, "bright", 4), key(1, "punchy", 4),
                                     key(1, "gentle", 5), key(1, "gentle", 6),
                                     key(1, "warm", 5),   key(1, "warm", 6),
                                     key(1, "bright", 5), key(1, "bright", 6)};
  BOOST_TEST((room_keys_of(w.l2) == expected));
  BOOST_TEST(!w.find(key(1, "adaptive", 4)));
  // The chunk still playing ranks before the next one in each preset.
  BOOST_TEST(w.find(key(1, "bright", 4))->second > w.find(key(1, "bright", 5))->second);
  BOOST_TEST(w.find(key(1, "punchy", 4))->second > w.find(key(1, "bright", 4))->second);
  // Without the playhead behind, chunk 4 is not planned at all.
  s.playhead_chunk = -1;
  const auto at5 = planner.plan({s});
  for (const char* p : {"adaptive", "gentle", "warm", "bright", "punchy"})
    BOOST_TEST(!at5.find(key(1, p, 4)), p);
  // A playhead that is not the chunk before is ignored.
  s.playhead_chunk = 2;
  BOOST_TEST(planner.plan({s}).size() == at5.size());
}

BOOST_AUTO_TEST_CASE(new_budgets_change_what_each_tier_holds) {
  wanted_set_builder planner(roomy());
  auto s = session("a", 1, 4);
  s.predictions = {{"punchy", 0.5}, {"warm", 0.1}};
  const auto before = planner.plan({s});
  BOOST_TEST(!before.l2.empty());
  const auto& st = planner.settings();
  BOOST_TEST(!planner.set_budgets(st.l1_budget_bytes, st.l2_budget_bytes, st.l3_budget_bytes));
  BOOST_TEST(planner.set_budgets(st.l1_budget_bytes, 0, 2 * st.l3_chunk_bytes));
  BOOST_TEST(planner.capacity(tier_id::l2) == 0u);
  const auto after = planner.plan({s});
  BOOST_TEST(after.l2.empty());
  BOOST_TEST(after.l3.size() == 2u);
  BOOST_TEST(after.l1.size() == before.l1.size());
}

BOOST_AUTO_TEST_CASE(room_takes_only_what_the_rules_leave_of_l2_and_then_l3) {
  const auto s = budgets(2, 4, 14);
  const auto rules_only = without_room(s);
  auto ses = session("a", 1, 4);
  ses.predictions = {{"punchy", 0.5}};
  ses.scenarios = {{"continue_current", branch_kind::continue_current, "adaptive", 6, 7, 0.6}};
  const auto w = wanted_set_builder(s).plan({ses});
  const auto r = wanted_set_builder(rules_only).plan({ses});
  // With room to spare, the rules' entries are the same with and without room.
  BOOST_TEST((keys_of(w.l1) == keys_of(r.l1)));
  BOOST_TEST((keys_of(w.l2) == keys_of(r.l2)));
  BOOST_TEST((keys_of(w.l3) == keys_of(r.l3)));
  BOOST_TEST(room_keys_of(r.l2).empty());
  BOOST_TEST(room_keys_of(r.l3).empty());
  // L1 holds adaptive 4, 5; L2 adaptive 6, 7 and punchy 4, 5 (L1's overflow), so no
  // room; L3 has adaptive 8..13 and 6 room entries: every other preset at 4 and 5.
  BOOST_TEST(w.l2.size() == 4u);
  BOOST_TEST(room_keys_of(w.l2).empty());
  BOOST_TEST(w.l3.size() == 12u);
  const auto room = room_keys_of(w.l3);
  BOOST_TEST(room.size() == 6u);
  for (const auto& p : {"gentle", "warm", "bright"}) {
    BOOST_TEST(room.count(key(1, p, 4)) == 1u);
    BOOST_TEST(room.count(key(1, p, 5)) == 1u);
  }
  BOOST_TEST(w.l3.back().room);
  BOOST_TEST(w.size() == w.index.size());
}

BOOST_AUTO_TEST_CASE(a_full_l3_keeps_the_playhead_in_every_preset_before_the_lookahead) {
  const auto s = budgets(2, 3, 6);
  const auto rules_only = without_room(s);
  auto ses = session("a", 1, 4);
  ses.predictions = {{"punchy", 0.5}};
  ses.scenarios = {{"continue_current", branch_kind::continue_current, "adaptive", 6, 7, 0.6},
                   {"switch_to_bright", branch_kind::switch_to, "bright", 5, 6, 0.09}};
  // L1 holds adaptive 4, 5; L2 adaptive 6, 7 and punchy 4; punchy 5 (L1's overflow),
  // bright 5 and 6 (L2's) fall to L3.
  const auto w = wanted_set_builder(s).plan({ses});
  BOOST_TEST((keys_of(w.l2) == std::set<cache_key>{key(1, "adaptive", 6), key(1, "adaptive", 7),
                                                   key(1, "punchy", 4)}));
  // L3 in order: what fell from L1, the playhead in the presets nothing else holds (a
  // switch fetches it at once), what fell from L2; the lookahead gets nothing.
  std::vector<cache_key> order;
  for (const auto& e : w.l3)
    order.push_back(e.key);
  BOOST_TEST_REQUIRE(order.size() == 6u);
  BOOST_TEST((order[0] == key(1, "punchy", 5)));
  BOOST_TEST((std::set<cache_key>(order.begin() + 1, order.begin() + 4) ==
              std::set<cache_key>{key(1, "gentle", 4), key(1, "warm", 4), key(1, "bright", 4)}));
  BOOST_TEST((order[4] == key(1, "bright", 5)));
  BOOST_TEST((order[5] == key(1, "bright", 6)));
  BOOST_TEST(room_keys_of(w.l3).size() == 3u);
  // Without room entries, the lookahead (adaptive 8, 9) had taken the rest, before bright 5, 6.
  const auto r = wanted_set_builder(rules_only).plan({ses});
  BOOST_TEST((keys_of(r.l3) == std::set<cache_key>{key(1, "punchy", 5), key(1, "bright", 5),
                                                   key(1, "bright", 6), key(1, "adaptive", 8),
                                                   key(1, "adaptive", 9),
                                                   key(1, "adaptive", 10)}));
  BOOST_TEST(w.size() == w.index.size());
}

BOOST_AUTO_TEST_CASE(a_room_key_another_session_looks_ahead_to_keeps_the_rules_probability) {
  wanted_set_settings s = roomy();
  s.l2_budget_bytes = 0; // everything below L1 is L3's
  auto a = session("a", 1, 4); // gentle 4 is room at its playhead...
  auto b = session("b", 1, 2, "gentle"); // ...and b's lookahead (2 + 2)
  const auto w = wanted_set_builder(s).plan({a, b});
  const auto* at = w.find(key(1, "gentle", 4));
  BOOST_TEST_REQUIRE(at);
  BOOST_TEST((at->first == tier_id::l3));
  BOOST_TEST(at->second == 0.5);
  BOOST_TEST(keys_of(w.l3).count(key(1, "gentle", 4)) == 1u); // a rule entry, not room
}

BOOST_AUTO_TEST_CASE(room_goes_to_the_likeliest_entries_across_sessions) {
  wanted_set_settings s = roomy();
  s.l2_budget_bytes = 2 * s.pcm_chunk_bytes;
  s.l3_budget_bytes = 1; // no L3 entry fits
  auto a = session("a", 1, 4);
  a.predictions = {{"warm", 0.05}};
  auto b = session("b", 2, 0, "punchy");
  b.predictions = {{"bright", 0.12}}; // below l1_min_probability: not in L1
  const auto w = wanted_set_builder(s).plan({a, b});
  const std::set<cache_key> expected{key(2, "bright", 0), key(2, "bright", 1)};
  BOOST_TEST((room_keys_of(w.l2) == expected));
}
