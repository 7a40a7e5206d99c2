#define BOOST_TEST_MODULE predictor
#include <boost/test/unit_test.hpp>

#include "actors/predictor/predictor.hpp"
#include "actors/predictor/predictor_test_support.hpp"

using namespace auralis::actors;
using auralis::test::at;
namespace tt = boost::test_tools;

namespace {

struct fixture {
  predictor p;
  explicit fixture(predictor_settings s = auralis::test::default_predictor_settings())
    : p(std::move(s), at(0)) {}

  position_reply upd(double t, const std::string& preset, const std::string& session = "",
                     std::int64_t track = 1, double position = 0) {
    return p.update({session, track, position, preset, 1.0}, at(t));
  }
  prediction_reply predict(double t, const std::string& session = "") {
    return p.predict({session, false, {}}, at(t));
  }
};

template <class F>
void expect_error(F&& fn, engine_errc code) {
  try {
    fn();
    BOOST_FAIL("expected a predictor_error " + to_string(code));
  } catch (const predictor_error& e) {
    BOOST_TEST(to_string(e.code()) == to_string(code));
  }
}

void check_prediction(const preset_probability& p, const std::string& preset, double probability) {
  BOOST_TEST(p.preset == preset);
  BOOST_TEST(p.probability == probability, tt::tolerance(1e-9));
}

std::uint64_t count_of(const model_snapshot& m, const std::string& from, const std::string& to) {
  for (const auto& t : m.transitions)
    if (t.from == from && t.to == to)
      return t.count;
  return 0;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(bad_requests_are_refused_with_their_kind, fixture) {
  expect_error([&] { upd(0, "loud"); }, engine_errc::unknown_preset);
  expect_error([&] { p.update({"", 1, 0, "warm", 1.5}, at(0)); }, engine_errc::invalid_argument);
  expect_error([&] { p.update({"", 1, -1, "warm", 1}, at(0)); }, engine_errc::invalid_argument);
  expect_error([&] { p.update({"", -1, 0, "warm", 1}, at(0)); }, engine_errc::invalid_argument);
  expect_error([&] { p.update({std::string(129, 's'), 1, 0, "warm", 1}, at(0)); },
               engine_errc::invalid_argument);
  expect_error([&] { p.update({"a\nb", 1, 0, "warm", 1}, at(0)); }, engine_errc::invalid_argument);
  expect_error([&] { predict(0); }, engine_errc::not_found);
  BOOST_TEST(p.snapshot().sessions == 0u); // nothing refused created a session
  upd(0, "warm");
  expect_error([&] { p.predict({"", true, {1.2, 0, 0, 0, 0}}, at(1)); },
               engine_errc::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(a_new_listener_gets_the_cold_start_defaults, fixture) {
  const auto r = upd(0, "adaptive", "", 3, 31.0);
  BOOST_TEST(r.session_id == "default");
  BOOST_TEST(r.accepted);
  BOOST_TEST(r.new_session);
  BOOST_TEST(r.chunk_idx == 2);
  BOOST_TEST((r.mode == session_mode::normal));
  const auto pr = predict(1);
  BOOST_TEST(pr.session_id == "default");
  BOOST_TEST(pr.track_id == 3);
  BOOST_TEST(pr.current_preset == "adaptive");
  BOOST_TEST(pr.current_position_s == 31.0);
  BOOST_TEST(!pr.content_used);
  BOOST_REQUIRE(pr.predictions.size() == 3u);
  check_prediction(pr.predictions[0], "gentle", 0.4);
  check_prediction(pr.predictions[1], "warm", 0.3);
  check_prediction(pr.predictions[2], "bright", 0.2);
}

BOOST_FIXTURE_TEST_CASE(accuracy_counts_are_exact_for_a_scripted_sequence, fixture) {
  // 400 s between switches: no recency boost, no hygiene rule applies.
  upd(0, "adaptive");
  // prediction from adaptive (cold): gentle, warm, bright, punchy -> rank 4
  BOOST_TEST((upd(400, "punchy").outcome == switch_outcome::learned));
  // from punchy (cold): adaptive first -> rank 1
  upd(800, "adaptive");
  // from adaptive: {punchy 1} -> rank 1
  upd(1200, "punchy");
  // from punchy: {adaptive 1}, then cold order gentle, warm, bright -> rank 4
  upd(1600, "bright");
  // from bright (cold): adaptive first -> rank 1
  upd(2000, "adaptive");
  // from adaptive: {punchy 2}, then gentle, warm -> rank 3
  upd(2400, "warm");
  // 200 ms later: too soon, neither measured nor learned
  BOOST_TEST((upd(2400.2, "gentle").outcome == switch_outcome::too_soon));
  const auto m = p.snapshot();
  BOOST_TEST(m.accuracy.switches == 6u);
  BOOST_TEST(m.accuracy.top1_hits == 3u);
  BOOST_TEST(m.accuracy.top3_hits == 4u);
  BOOST_TEST(m.accuracy.top1 == 0.5);
  BOOST_TEST(m.accuracy.top3 == 4.0 / 6.0);
  BOOST_TEST(m.accuracy.recent_switches == 6u);
  BOOST_TEST(m.learned_switches == 6u);
  BOOST_TEST(m.transitions.size() == 5u);
  BOOST_TEST(count_of(m, "adaptive", "punchy") == 2u);
  BOOST_TEST(count_of(m, "adaptive", "warm") == 1u);
  BOOST_TEST(count_of(m, "punchy", "adaptive") == 1u);
  BOOST_TEST(count_of(m, "punchy", "bright") == 1u);
  BOOST_TEST(count_of(m, "bright", "adaptive") == 1u);
  BOOST_TEST(count_of(m, "warm", "gentle") == 0u);
  const auto st = p.stats("", at(2401));
  BOOST_TEST(st.accuracy == 0.5);
  BOOST_TEST(st.top3_hit_rate == 4.0 / 6.0);
  BOOST_TEST(st.session_known);
  BOOST_TEST(st.switches_in_session == 7u);
  BOOST_TEST(st.session_duration_minutes == 2401.0 / 60.0, tt::tolerance(1e-9));
}

BOOST_FIXTURE_TEST_CASE(transitions_of_the_last_five_minutes_are_boosted, fixture) {
  upd(0, "adaptive");
  upd(10, "punchy");
  upd(20, "adaptive");
  upd(30, "punchy");
  upd(40, "adaptive");
  upd(200, "warm");
  upd(210, "adaptive");
  // adaptive -> punchy twice (last at 30 s: 310 s ago), adaptive -> warm once at 200 s.
  auto pr = predict(340);
  check_prediction(pr.predictions[0], "punchy", 2.0 / 3.5);
  check_prediction(pr.predictions[1], "warm", 1.5 / 3.5);
  pr = predict(500); // warm's switch is exactly 300 s old: no boost
  check_prediction(pr.predictions[0], "punchy", 2.0 / 3.0);
  check_prediction(pr.predictions[1], "warm", 1.0 / 3.0);
  check_prediction(pr.predictions[2], "gentle", 0.0);
}

BOOST_AUTO_TEST_CASE(with_learning_off_switches_are_measured_not_learned) {
  auto s = auralis::test::default_predictor_settings();
  s.predictor.learning = false;
  fixture f(s);
  f.upd(0, "adaptive");
  for (int i = 1; i <= 12; ++i)
    BOOST_TEST((f.upd(10.0 * i, i % 2 ? "punchy" : "adaptive").outcome ==
                switch_outcome::measured));
  BOOST_TEST(f.p.snapshot().transitions.empty());
  BOOST_TEST(f.p.snapshot().accuracy.switches == 12u);
  BOOST_TEST(f.p.snapshot().learned_switches == 0u);
  BOOST_TEST(!f.p.save_due(at(1000)));
  const auto pr = f.predict(121);
  check_prediction(pr.predictions[0], "gentle", 0.4);
  // Turned on, the next switches are learned.
  f.p.set_learning(true);
  BOOST_TEST((f.upd(130, "warm").outcome == switch_outcome::learned));
  BOOST_TEST((f.upd(140, "adaptive").outcome == switch_outcome::learned));
  BOOST_TEST(count_of(f.p.snapshot(), "adaptive", "warm") == 1u);
  check_prediction(f.predict(141).predictions[0], "warm", 1.0);
  // Off again: the static defaults, though counts exist.
  f.p.set_learning(false);
  check_prediction(f.predict(142).predictions[0], "gentle", 0.4);
}

BOOST_FIXTURE_TEST_CASE(sessions_are_independent_but_share_learning, fixture) {
  upd(0, "adaptive", "a", 1, 0);
  upd(10, "punchy", "a", 1, 10);
  upd(20, "adaptive", "a", 1, 20);
  upd(30, "punchy", "a", 1, 30);
  upd(40, "adaptive", "a", 1, 40);
  upd(400, "warm", "a", 1, 400);
  upd(410, "adaptive", "a", 1, 410);
  BOOST_TEST(upd(415, "adaptive", "b", 9, 77).new_session);
  // b learned nothing itself, yet predicts from the shared counts, without a's boost.
  auto b = predict(420, "b");
  BOOST_TEST(b.track_id == 9);
  BOOST_TEST(b.current_position_s == 77.0);
  check_prediction(b.predictions[0], "punchy", 2.0 / 3.0);
  check_prediction(b.predictions[1], "warm", 1.0 / 3.0);
  // a's own recent adaptive -> warm is boosted for a only.
  auto a = predict(420, "a");
  BOOST_TEST(a.track_id == 1);
  check_prediction(a.predictions[0], "punchy", 2.0 / 3.5);
  check_prediction(a.predictions[1], "warm", 1.5 / 3.5);
  // Modes are per session: a explores, b does not.
  for (int i = 1; i <= 6; ++i)
    upd(420.0 + 5 * i, i % 2 ? "bright" : "adaptive", "a");
  BOOST_TEST((p.stats("a", at(451)).mode == session_mode::exploration));
  BOOST_TEST((p.stats("b", at(451)).mode == session_mode::normal));
  BOOST_TEST(p.stats("a", at(451)).switches_in_session == 12u);
  BOOST_TEST(p.stats("b", at(451)).switches_in_session == 0u);
  // b's switch is learned into the same counts a uses.
  upd(460, "gentle", "b");
  BOOST_TEST(count_of(p.snapshot(), "adaptive", "gentle") == 1u);
  BOOST_TEST(p.snapshot().sessions == 2u);
}

BOOST_FIXTURE_TEST_CASE(the_mode_change_is_reported_at_the_sixth_switch, fixture) {
  upd(0, "adaptive");
  for (int i = 1; i <= 5; ++i)
    BOOST_TEST(!upd(10.0 * i, i % 2 ? "punchy" : "adaptive").mode_changed);
  const auto r = upd(60, "warm");
  BOOST_TEST(r.mode_changed);
  BOOST_TEST((r.previous_mode == session_mode::normal));
  BOOST_TEST((r.mode == session_mode::exploration));
  BOOST_TEST(!upd(61, "warm", "", 2).mode_changed);
}

BOOST_FIXTURE_TEST_CASE(content_features_weigh_in_at_thirty_percent, fixture) {
  upd(0, "adaptive", "", 1);
  // high energy only: punchy .4, bright .3 (adaptive .2 is the current preset)
  const chunk_features loud{0.8, 0.5, 0.5, 0.5, 0.5};
  auto pr = p.predict({"", true, loud}, at(1));
  BOOST_TEST(pr.content_used);
  BOOST_REQUIRE(pr.predictions.size() == 3u);
  // 0.7 x cold start (gentle .4, warm .3, bright .2, punchy .1) + 0.3 x (bright 3/7, punchy 4/7)
  check_prediction(pr.predictions[0], "gentle", 0.28);
  check_prediction(pr.predictions[1], "bright", 0.14 + 0.3 * 3.0 / 7.0);
  check_prediction(pr.predictions[2], "punchy", 0.07 + 0.3 * 4.0 / 7.0);
  // Kept for later requests of the same track...
  pr = predict(2);
  BOOST_TEST(pr.content_used);
  // ...and dropped when the track changes.
  upd(3, "adaptive", "", 2);
  pr = predict(4);
  BOOST_TEST(!pr.content_used);
  check_prediction(pr.predictions[0], "gentle", 0.4);
  // Features that match no rule leave the user prediction alone.
  pr = p.predict({"", true, {0.5, 0.5, 0.5, 0.5, 0.5}}, at(5));
  BOOST_TEST(!pr.content_used);
  check_prediction(pr.predictions[0], "gentle", 0.4);
}

BOOST_FIXTURE_TEST_CASE(branches_follow_the_prediction, fixture) {
  upd(0, "warm", "", 1, 0);
  upd(10, "adaptive", "", 1, 130); // previous preset: warm; chunk 8
  const auto plan = p.branches({"", false, {}}, at(11));
  BOOST_TEST(plan.chunk_idx == 8);
  BOOST_TEST(plan.current_preset == "adaptive");
  BOOST_REQUIRE(plan.scenarios.size() == 6u);
  const std::vector<std::string> names{"continue_current", "switch_to_gentle", "switch_to_warm",
                                       "switch_to_bright", "seek_forward", "toggle_back"};
  const std::vector<double> probs{0.6, 0.4 * 0.3, 0.3 * 0.3 / 2, 0.2 * 0.3 / 3, 0.05, 0.05};
  for (std::size_t i = 0; i < names.size(); ++i) {
    BOOST_TEST(plan.scenarios[i].name == names[i]);
    BOOST_TEST(plan.scenarios[i].probability == probs[i], tt::tolerance(1e-12));
  }
  BOOST_TEST(plan.scenarios[0].first_chunk == 10);
  BOOST_TEST(plan.scenarios[0].last_chunk == 12);
  BOOST_TEST(plan.scenarios[4].first_chunk == 18);
  BOOST_TEST(plan.scenarios[5].preset == "warm");
  BOOST_TEST(plan.scenarios[5].first_chunk == 9);
}

BOOST_FIXTURE_TEST_CASE(saving_is_due_every_n_switches_or_t_seconds, fixture) {
  BOOST_TEST(!p.dirty());
  BOOST_TEST(!p.save_due(at(1000))); // nothing changed
  upd(0, "adaptive");
  upd(10, "punchy");
  BOOST_TEST(p.dirty());
  BOOST_TEST(!p.save_due(at(59.9)));
  BOOST_TEST(p.save_due(at(60)));
  p.mark_saved(at(60));
  BOOST_TEST(!p.dirty());
  for (int i = 1; i <= 9; ++i)
    upd(60.0 + i, i % 2 ? "adaptive" : "punchy");
  BOOST_TEST(!p.save_due(at(70)));
  upd(70, "warm"); // the 10th learned switch since the save
  BOOST_TEST(p.save_due(at(70)));
  p.set_learning(false);
  BOOST_TEST(!p.save_due(at(70)));
}

BOOST_FIXTURE_TEST_CASE(the_model_text_round_trips_byte_for_byte, fixture) {
  upd(0, "adaptive");
  for (int i = 1; i <= 30; ++i)
    upd(10.0 * i, i % 3 == 0 ? "bright" : (i % 2 ? "punchy" : "adaptive"));
  const auto text = p.model_json();
  BOOST_TEST(text.rfind(R"({"format":"auralis-predictor-model","version":1,"learned_switches":)", 0) == 0u);
  fixture other;
  BOOST_TEST(other.p.restore_model(text).empty());
  BOOST_TEST(other.p.model_json() == text);
  BOOST_TEST(!other.p.dirty());
  const auto a = p.snapshot(), b = other.p.snapshot();
  BOOST_REQUIRE(a.transitions.size() == b.transitions.size());
  for (std::size_t i = 0; i < a.transitions.size(); ++i) {
    BOOST_TEST(a.transitions[i].from == b.transitions[i].from);
    BOOST_TEST(a.transitions[i].to == b.transitions[i].to);
    BOOST_TEST(a.transitions[i].count == b.transitions[i].count);
  }
  BOOST_TEST(b.accuracy.switches == a.accuracy.switches);
  BOOST_TEST(b.accuracy.top1_hits == a.accuracy.top1_hits);
  BOOST_TEST(b.learned_switches == 30u);
}

BOOST_FIXTURE_TEST_CASE(a_bad_model_text_throws_and_changes_nothing, fixture) {
  upd(0, "adaptive");
  upd(10, "punchy");
  const auto text = p.model_json();
  const std::string bad[] = {
    text.substr(0, text.size() / 2),
    "",
    R"({"format":"other","version":1,"learned_switches":0,"counts":{},"accuracy":{"switches":0,"top1_hits":0,"top3_hits":0,"recent":[]}})",
    R"({"format":"auralis-predictor-model","version":2,"learned_switches":0,"counts":{},"accuracy":{"switches":0,"top1_hits":0,"top3_hits":0,"recent":[]}})",
    R"({"format":"auralis-predictor-model","version":1,"learned_switches":0,"counts":{}})",
    R"({"format":"auralis-predictor-model","version":1,"learned_switches":0,"counts":{"adaptive":{"warm":-1}},"accuracy":{"switches":0,"top1_hits":0,"top3_hits":0,"recent":[]}})",
    R"({"format":"auralis-predictor-model","version":1,"learned_switches":0,"counts":{},"accuracy":{"switches":0,"top1_hits":0,"top3_hits":0,"recent":[]},"more":1})",
  };
  for (const auto& b : bad) {
    BOOST_CHECK_THROW(p.restore_model(b), std::runtime_error);
    BOOST_TEST(p.model_json() == text);
  }
  const auto unknown = p.restore_model(
    R"({"format":"auralis-predictor-model","version":1,"learned_switches":4,"counts":{"loud":{"warm":3},"warm":{"gentle":4}},"accuracy":{"switches":0,"top1_hits":0,"top3_hits":0,"recent":[]}})");
  BOOST_TEST(unknown == (std::vector<std::string>{"loud"}), tt::per_element());
  BOOST_TEST(count_of(p.snapshot(), "warm", "gentle") == 4u);
  BOOST_TEST(count_of(p.snapshot(), "adaptive", "punchy") == 0u);
}

BOOST_FIXTURE_TEST_CASE(forget_clears_counts_figures_and_recent_switches, fixture) {
  upd(0, "adaptive");
  upd(10, "punchy");
  upd(20, "adaptive");
  upd(30, "punchy");
  p.mark_saved(at(30));
  BOOST_TEST(p.forget() == 3u);
  BOOST_TEST(p.dirty());
  const auto m = p.snapshot();
  BOOST_TEST(m.transitions.empty());
  BOOST_TEST(m.accuracy.switches == 0u);
  BOOST_TEST(m.learned_switches == 0u);
  // The session lives on (its preset, its switch count), predicting from the defaults.
  const auto pr = predict(31);
  BOOST_TEST(pr.current_preset == "punchy");
  check_prediction(pr.predictions[0], "adaptive", 0.5 / 0.95);
  BOOST_TEST(p.stats("", at(31)).switches_in_session == 3u);
}

BOOST_FIXTURE_TEST_CASE(idle_sessions_expire, fixture) {
  auto st = p.stats("", at(0));
  BOOST_TEST(!st.session_known);
  BOOST_TEST(st.session_id == "default");
  upd(0, "adaptive", "x");
  upd(100, "warm", "y");
  st = p.stats("x", at(90));
  BOOST_TEST(st.session_known);
  BOOST_TEST(st.session_duration_minutes == 1.5, tt::tolerance(1e-12));
  BOOST_TEST(p.expire_sessions(at(1800)) == 1u);
  BOOST_TEST(!p.stats("x", at(1800)).session_known);
  expect_error([&] { predict(1800, "x"); }, engine_errc::not_found);
  BOOST_TEST(p.stats("y", at(1800)).sessions == 1u);
}
