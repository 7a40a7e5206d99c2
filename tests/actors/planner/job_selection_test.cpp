#define BOOST_TEST_MODULE job_selection
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/planner/job_selection.hpp"

using namespace auralis::actors;

namespace {

cache_key key(std::int64_t chunk, const std::string& preset = "adaptive",
              std::int64_t track = 1) {
  return {track, preset, 10, chunk};
}

/// A wanted set built by hand: entries are appended to their tier's list in call order.
struct wanted_fixture {
  wanted_set wanted;
  wanted_set_builder builder{wanted_set_settings{}};
  std::array<std::vector<entry_record>, 3> held;
  std::map<cache_key, pending_job> pending;
  std::set<cache_key> unplannable;
  job_caps caps{2, 2, 2};

  wanted_fixture() { wanted.live_tracks.insert(1); }

  void want(tier_id t, const cache_key& k, double p, bool room = false) {
    auto& list = t == tier_id::l1 ? wanted.l1 : t == tier_id::l2 ? wanted.l2 : wanted.l3;
    list.push_back({k, p, room});
    wanted.index[k] = {t, p};
  }

  void hold(tier_id t, const cache_key& k, double p) {
    entry_record r;
    r.key = k;
    r.tier = t;
    r.probability = p;
    held[static_cast<std::size_t>(t)].push_back(r);
  }

  job_selection run() const {
    return select_jobs(wanted, builder, held, pending,
                       [this](const cache_key& k) { return !unplannable.count(k); }, caps);
  }
};

/// The jobs as "action target chunk preset" lines, in order.
std::vector<std::string> lines(const job_selection& s) {
  std::vector<std::string> out;
  for (const auto& j : s.jobs)
    out.push_back(std::string(j.action == job_action::promote ? "promote" : "render") + " " +
                  tier_label(j.target) + " " + std::to_string(j.key.chunk_idx) + " " +
                  j.key.preset + (j.room ? " room" : ""));
  return out;
}

using strings = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_CASE(held_entries_get_their_wanted_stale_or_departed_probability,
                        wanted_fixture) {
  want(tier_id::l1, key(0), 0.95);
  hold(tier_id::l1, key(0), 0.95);                  // as wanted: no update
  hold(tier_id::l2, key(5), 0.6);                   // unwanted, track still played: stale
  hold(tier_id::l3, key(3, "adaptive", 2), 0.5);    // unwanted, track left: departed
  hold(tier_id::l3, key(4), 0.05);                  // already stale: no update
  const auto s = run();
  BOOST_TEST(s.updates[0].keys.empty());
  BOOST_TEST(s.updates[1].keys.size() == 1u);
  BOOST_TEST(to_string(s.updates[1].keys[0]) == to_string(key(5)));
  BOOST_TEST(s.updates[1].probabilities[0] == wanted_set_settings{}.stale_probability);
  BOOST_TEST(s.updates[2].keys.size() == 1u);
  BOOST_TEST(to_string(s.updates[2].keys[0]) == to_string(key(3, "adaptive", 2)));
  BOOST_TEST(s.updates[2].probabilities[0] == wanted_set_settings{}.departed_probability);
  BOOST_TEST(s.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(l1_keys_are_promoted_from_l3_or_rendered_without_a_cap,
                        wanted_fixture) {
  caps = {0, 0, 0};
  want(tier_id::l1, key(0), 0.95);
  want(tier_id::l1, key(1), 1.0);
  want(tier_id::l1, key(2), 0.9);
  want(tier_id::l1, key(3), 0.9);
  want(tier_id::l1, key(4), 0.9);
  want(tier_id::l1, key(5), 0.9);
  hold(tier_id::l3, key(1), 1.0);        // promoted
  hold(tier_id::l2, key(2), 0.9);        // in L2 already: served from there
  pending[key(3)] = {tier_id::l1, 0, false}; // on its way
  unplannable.insert(key(4));
  BOOST_TEST(lines(run()) == (strings{"render L1 0 adaptive", "promote L1 1 adaptive",
                                      "render L1 5 adaptive"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(the_l2_cap_counts_pending_jobs_and_holds_back_l3_and_room,
                        wanted_fixture) {
  want(tier_id::l2, key(0, "warm"), 0.5);
  want(tier_id::l2, key(1, "warm"), 0.4);
  want(tier_id::l2, key(2, "warm"), 0.3);
  want(tier_id::l2, key(0, "punchy"), 0.07, true);
  want(tier_id::l3, key(5), 0.5);
  pending[key(9, "gentle")] = {tier_id::l2, 0, false};
  pending[key(8, "gentle")] = {tier_id::l2, 0, true}; // a room job: not counted for L2
  BOOST_TEST(lines(run()) == (strings{"render L2 0 warm"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(l3_then_the_room_of_l2_before_that_of_l3_each_within_its_cap,
                        wanted_fixture) {
  caps = {2, 1, 2};
  want(tier_id::l2, key(0, "warm"), 0.5);
  hold(tier_id::l2, key(0, "warm"), 0.5);
  want(tier_id::l2, key(0, "punchy"), 0.08, true);
  want(tier_id::l3, key(2), 0.5);
  want(tier_id::l3, key(3), 0.45);
  want(tier_id::l3, key(0, "bright"), 0.07, true);
  want(tier_id::l3, key(1, "bright"), 0.06, true);
  BOOST_TEST(lines(run()) == (strings{"render L3 2 adaptive", "render L2 0 punchy room",
                                      "render L3 0 bright room"}),
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(held_pending_or_unplannable_keys_are_skipped_without_using_a_cap,
                        wanted_fixture) {
  caps = {2, 1, 2};
  want(tier_id::l3, key(2), 0.5);             // held in L1 (a hotter tier): skipped
  want(tier_id::l3, key(3), 0.45);            // unplannable
  want(tier_id::l3, key(4), 0.4);             // selected: the one L3 job
  want(tier_id::l3, key(5), 0.35);            // the cap is used up
  want(tier_id::l3, key(0, "warm"), 0.07, true); // pending: skipped, one of two room jobs
  want(tier_id::l3, key(1, "warm"), 0.06, true); // the other room job
  want(tier_id::l3, key(2, "warm"), 0.05, true); // room cap used up
  hold(tier_id::l1, key(2), 0.5);
  unplannable.insert(key(3));
  pending[key(0, "warm")] = {tier_id::l3, 0, true};
  const auto s = run();
  BOOST_TEST(lines(s) == (strings{"render L3 4 adaptive", "render L3 1 warm room"}),
             boost::test_tools::per_element());
  BOOST_REQUIRE(s.jobs.size() == 2u);
  BOOST_TEST(s.jobs[0].probability == 0.4);
  BOOST_TEST(s.jobs[1].room);
}

BOOST_FIXTURE_TEST_CASE(a_pending_l3_job_fills_the_l3_cap, wanted_fixture) {
  caps = {2, 1, 0};
  want(tier_id::l3, key(2), 0.5);
  want(tier_id::l3, key(0, "warm"), 0.07, true);
  pending[key(7)] = {tier_id::l3, 0, false};
  BOOST_TEST(run().jobs.empty());
}
