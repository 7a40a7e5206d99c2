#define BOOST_TEST_MODULE listener_session
#include <boost/test/unit_test.hpp>

#include "actors/predictor/listener_session.hpp"
#include "actors/predictor/predictor_test_support.hpp"

using auralis::actors::listener_session;
using auralis::actors::session_mode;
using auralis::actors::switch_outcome;
using auralis::test::at;
namespace tt = boost::test_tools;

namespace {

constexpr std::size_t adaptive = 0, gentle = 1, warm = 2, bright = 3, punchy = 4;

struct fixture {
  auralis::config::predictor_config cfg;
  listener_session s{"x", at(0)};

  listener_session::observation upd(double t, std::size_t preset, std::int64_t track = 1,
                                    double position = 0) {
    return s.observe(track, position, preset, 0.5, at(t), cfg);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_first_update_starts_without_a_switch, fixture) {
  BOOST_TEST(!s.has_preset());
  const auto o = upd(0, warm, 7, 3.5);
  BOOST_TEST(o.accepted);
  BOOST_TEST(!o.switched);
  BOOST_TEST(!o.track_changed);
  BOOST_TEST((o.outcome == switch_outcome::none));
  BOOST_TEST((o.mode == session_mode::normal));
  BOOST_TEST(s.preset() == warm);
  BOOST_TEST(s.track_id() == 7);
  BOOST_TEST(s.position_s() == 3.5);
  BOOST_TEST(s.intensity() == 0.5);
  BOOST_TEST(!s.previous_preset().has_value());
}

BOOST_FIXTURE_TEST_CASE(position_updates_closer_than_100_ms_are_ignored, fixture) {
  upd(10.0, warm, 1, 0.0);
  const auto early = upd(10.099, warm, 1, 0.099);
  BOOST_TEST(!early.accepted);
  BOOST_TEST(s.position_s() == 0.0);
  BOOST_TEST(upd(10.1, warm, 1, 0.1).accepted); // exactly 100 ms: passes
  BOOST_TEST(s.position_s() == 0.1);
  // A track change always passes, however close.
  const auto track = upd(10.11, warm, 2, 0.0);
  BOOST_TEST(track.accepted);
  BOOST_TEST(track.track_changed);
  BOOST_TEST(s.track_id() == 2);
  // So does a preset change; it is a learnable switch (no switch before it).
  const auto sw = upd(10.12, punchy, 2, 0.01);
  BOOST_TEST(sw.accepted);
  BOOST_TEST(sw.switched);
  BOOST_TEST(sw.from == warm);
  BOOST_TEST(sw.to == punchy);
  BOOST_TEST((sw.outcome == switch_outcome::learned));
  BOOST_TEST(s.previous_preset().value() == warm);
}

BOOST_FIXTURE_TEST_CASE(a_switch_within_500_ms_of_the_previous_is_not_learned, fixture) {
  upd(0, adaptive);
  BOOST_TEST((upd(10.0, punchy).outcome == switch_outcome::learned));
  BOOST_TEST((upd(10.499, bright).outcome == switch_outcome::too_soon));
  // Measured from the previous switch, learned or not: 500 ms after the too-soon one.
  BOOST_TEST((upd(10.999, gentle).outcome == switch_outcome::learned));
  BOOST_TEST((upd(11.499, warm).outcome == switch_outcome::learned)); // exactly 500 ms
  BOOST_TEST(s.switches() == 4u);
  BOOST_TEST(s.history().size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(ten_interactions_within_a_second_are_rapid, fixture) {
  upd(0, adaptive, 1);
  // 8 track changes, then a switch: 9 interactions within a second -> learned.
  for (int i = 0; i < 8; ++i)
    upd(100.0 + 0.1 * i, adaptive, 2 + i);
  BOOST_TEST((upd(100.8, punchy, 9).outcome == switch_outcome::learned));
  // 9 track changes, then a switch: the 10th interaction within a second -> rapid (the
  // previous switch is long past, so only the burst makes it so).
  for (int i = 0; i < 9; ++i)
    upd(200.0 + 0.1 * i, punchy, 20 + i);
  BOOST_TEST((upd(200.9, warm, 28).outcome == switch_outcome::rapid));
  BOOST_TEST(s.history().size() == 1u);
  BOOST_TEST(s.switches() == 2u);
  // One second later the burst has left the window.
  BOOST_TEST((upd(201.9, gentle, 28).outcome == switch_outcome::learned));
}

BOOST_FIXTURE_TEST_CASE(exploration_needs_more_than_five_switches_in_five_minutes, fixture) {
  upd(0, adaptive);
  const std::size_t cycle[] = {punchy, adaptive, bright, adaptive, warm, adaptive};
  for (int i = 0; i < 5; ++i) {
    const auto o = upd(10.0 * (i + 1), cycle[i]);
    BOOST_TEST((o.mode == session_mode::normal));
    BOOST_TEST((o.previous_mode == session_mode::normal));
  }
  const auto sixth = upd(60, cycle[5]);
  BOOST_TEST((sixth.previous_mode == session_mode::normal));
  BOOST_TEST((sixth.mode == session_mode::exploration));
  BOOST_TEST((s.mode() == session_mode::exploration));
  // The first switch (at 10 s) leaves the 300 s window at 310 s.
  BOOST_TEST((upd(309.9, adaptive, 2).mode == session_mode::exploration));
  const auto later = upd(310.0, adaptive, 3);
  BOOST_TEST((later.previous_mode == session_mode::exploration));
  BOOST_TEST((later.mode == session_mode::normal));
}

BOOST_FIXTURE_TEST_CASE(settled_needs_fewer_than_two_switches_over_ten_minutes, fixture) {
  upd(0, adaptive);
  upd(100, punchy); // one switch
  BOOST_TEST((upd(600.0, punchy, 1, 600).mode == session_mode::normal)); // not older than 600 s
  BOOST_TEST((upd(601.0, punchy, 1, 601).mode == session_mode::settled));
  // A second switch within the last 10 minutes ends it...
  BOOST_TEST((upd(650, gentle).mode == session_mode::normal));
  BOOST_TEST((upd(699.9, gentle, 2).mode == session_mode::normal));
  // ...until the first one is 10 minutes old.
  BOOST_TEST((upd(700.0, gentle, 3).mode == session_mode::settled));
}

BOOST_FIXTURE_TEST_CASE(recent_targets_cover_learned_switches_of_the_last_window, fixture) {
  upd(0, adaptive);
  upd(10, punchy);
  upd(20, adaptive);
  upd(20.2, warm); // too soon: not a recent target
  upd(30, adaptive);
  auto r = s.recent_targets(adaptive, 5, at(309.9), 300);
  BOOST_TEST(r == (std::vector<bool>{false, false, false, false, true}), tt::per_element());
  r = s.recent_targets(adaptive, 5, at(310), 300);
  BOOST_TEST(r == (std::vector<bool>{false, false, false, false, false}), tt::per_element());
  BOOST_TEST(s.recent_targets(warm, 5, at(40), 300)[adaptive]);
  s.forget_history();
  BOOST_TEST(!s.recent_targets(warm, 5, at(40), 300)[adaptive]);
}

BOOST_FIXTURE_TEST_CASE(the_history_keeps_history_size_switches, fixture) {
  cfg.history_size = 3;
  upd(0, adaptive);
  for (int i = 1; i <= 5; ++i)
    upd(10.0 * i, i % 2 ? punchy : adaptive);
  BOOST_REQUIRE(s.history().size() == 3u);
  BOOST_TEST((s.history().front().at == at(30)));
  BOOST_TEST(s.switches() == 5u);
}

BOOST_FIXTURE_TEST_CASE(features_last_until_the_track_changes, fixture) {
  upd(0, adaptive, 1);
  s.set_features({0.9, 0.1, 0.1, 0.1, 0.1});
  upd(10, punchy, 1);
  BOOST_TEST(s.features().has_value());
  upd(20, punchy, 2);
  BOOST_TEST(!s.features().has_value());
}
