#define BOOST_TEST_MODULE predictor_actor
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/actor_test_support.hpp"
#include "actors/common/atomic_file.hpp"
#include "actors/predictor/predictor_actor.hpp"
#include "actors/predictor/predictor_test_support.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
using auralis::test::ask;
using auralis::test::ask_error;
namespace fs = std::filesystem;

namespace {

/// A clock the test moves by hand (milliseconds since the origin of the fake clock).
struct manual_clock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  void set(double seconds) { ms->store(static_cast<std::int64_t>(seconds * 1000.0 + 0.5)); }
  std::function<std::chrono::steady_clock::time_point()> fn() const {
    auto p = ms;
    return [p] { return auralis::test::at(static_cast<double>(p->load()) / 1000.0); };
  }
};

struct fixture : auralis::test::actor_system_fixture {
  auralis::test::scratch_dir dir{"predictor-actor"};
  manual_clock clock;
  caf::scoped_actor self{*sys};

  predictor_actor_settings settings(bool learning = true) {
    predictor_actor_settings s;
    s.model = auralis::test::default_predictor_settings();
    s.model.predictor.learning = learning;
    s.model.predictor.save_every_s = 3600; // the timer never fires during a test
    s.model_file = dir.file("predictor-model.json");
    s.clock = clock.fn();
    return s;
  }

  predictor_actor spawn(const predictor_actor_settings& s) {
    return sys->spawn(predictor_actor_impl, s);
  }

  position_reply upd(const predictor_actor& a, double t, const std::string& preset,
                     const std::string& session = "") {
    clock.set(t);
    return ask<position_reply>(self, a, position_atom::value,
                               position_update{session, 1, t, preset, 1.0});
  }

  /// Stops `a` and waits until it is gone (its final save done).
  void stop(const predictor_actor& a) {
    self->send_exit(a, caf::exit_reason::user_shutdown);
    self->wait_for(a);
  }

  /// Switches adaptive <-> punchy `n` times, 10 s apart, from t = 0.
  void learn(const predictor_actor& a, int n) {
    upd(a, 0, "adaptive");
    for (int i = 1; i <= n; ++i)
      upd(a, 10.0 * i, i % 2 ? "punchy" : "adaptive");
  }
};

/// Collects mode changes and answers them on request.
struct collector_state {
  std::vector<mode_change> got;
};
using collector_actor = caf::typed_actor<caf::reacts_to<mode_atom, mode_change>,
                                         caf::replies_to<list_atom>::with<std::vector<mode_change>>>;

collector_actor::behavior_type collector_impl(collector_actor::stateful_pointer<collector_state> self,
                                              std::size_t capacity) {
  self->state.got.reserve(capacity);
  return {
    [self](mode_atom, const mode_change& c) { self->state.got.push_back(c); },
    [self](list_atom) { return self->state.got; },
  };
}

std::uint64_t count_of(const model_snapshot& m, const std::string& from, const std::string& to) {
  for (const auto& t : m.transitions)
    if (t.from == from && t.to == to)
      return t.count;
  return 0;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(answers_updates_predictions_branches_and_stats, fixture) {
  auto a = spawn(settings());
  auto r = upd(a, 0, "adaptive", "s1");
  BOOST_TEST(r.accepted);
  BOOST_TEST(r.session_id == "s1");
  r = upd(a, 0.05, "adaptive", "s1"); // throttled
  BOOST_TEST(!r.accepted);
  BOOST_TEST((upd(a, 10, "punchy", "s1").outcome == switch_outcome::learned));
  const auto pr = ask<prediction_reply>(self, a, predict_atom::value,
                                        prediction_request{"s1", false, {}});
  BOOST_TEST(pr.current_preset == "punchy");
  BOOST_REQUIRE(!pr.predictions.empty());
  BOOST_TEST(pr.predictions[0].preset == "adaptive");
  const auto plan = ask<branch_plan>(self, a, branches_atom::value,
                                     prediction_request{"s1", false, {}});
  BOOST_TEST(plan.scenarios.front().name == "continue_current");
  BOOST_TEST(plan.scenarios.back().name == "toggle_back");
  BOOST_TEST(plan.scenarios.back().preset == "adaptive");
  const auto st = ask<predictor_stats>(self, a, stats_atom::value, std::string("s1"));
  BOOST_TEST(st.measured_switches == 1u);
  BOOST_TEST(st.switches_in_session == 1u);
  BOOST_TEST(st.accuracy == 0.0); // cold start put punchy last
  auto err = ask_error<position_reply>(self, a, position_atom::value,
                                       position_update{"s1", 1, 0, "loud", 1.0});
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_preset));
  err = ask_error<prediction_reply>(self, a, predict_atom::value,
                                    prediction_request{"nobody", false, {}});
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::not_found));
  stop(a);
}

BOOST_FIXTURE_TEST_CASE(subscribers_hear_mode_changes, fixture) {
  auto a = spawn(settings());
  auto c = sys->spawn(collector_impl, std::size_t{4});
  BOOST_TEST(ask<std::uint64_t>(self, a, subscribe_atom::value,
                                caf::actor_cast<mode_listener>(c)) == 1u);
  learn(a, 5);
  BOOST_TEST(ask<std::vector<mode_change>>(self, c, list_atom::value).empty());
  BOOST_TEST(upd(a, 60, "warm").mode_changed); // the sixth switch in five minutes
  // The change was sent to the collector before the reply to the update.
  const auto got = ask<std::vector<mode_change>>(self, c, list_atom::value);
  BOOST_REQUIRE(got.size() == 1u);
  BOOST_TEST(got[0].session_id == "default");
  BOOST_TEST((got[0].from == session_mode::normal));
  BOOST_TEST((got[0].to == session_mode::exploration));
  // A subscriber that exits is dropped.
  self->send_exit(c, caf::exit_reason::user_shutdown);
  self->wait_for(c);
  auto c2 = sys->spawn(collector_impl, std::size_t{4});
  // wait_for returns before the predictor has read the collector's down message, so the
  // count may include the dead one for a moment. Subscribing again is idempotent; the
  // count reaches 1 once the predictor has read it (waited for, with a deadline).
  std::uint64_t count = 0;
  auralis::test::eventually([&] {
    count = ask<std::uint64_t>(self, a, subscribe_atom::value, caf::actor_cast<mode_listener>(c2));
    return count == 1u;
  });
  BOOST_TEST(count == 1u);
  stop(a);
  self->send_exit(c2, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(the_model_survives_a_restart_byte_for_byte, fixture) {
  auto a = spawn(settings());
  learn(a, 7);
  const auto before = ask<model_snapshot>(self, a, model_atom::value);
  BOOST_TEST(before.learned_switches == 7u);
  BOOST_TEST(!fs::exists(dir.file("predictor-model.json"))); // 7 < save_every_switches
  stop(a); // the shutdown save
  const auto saved = read_whole_file(dir.file("predictor-model.json"));
  auto b = spawn(settings());
  const auto after = ask<model_snapshot>(self, b, model_atom::value);
  BOOST_TEST(after.learned_switches == 7u);
  BOOST_REQUIRE(after.transitions.size() == before.transitions.size());
  for (std::size_t i = 0; i < before.transitions.size(); ++i) {
    BOOST_TEST(after.transitions[i].from == before.transitions[i].from);
    BOOST_TEST(after.transitions[i].to == before.transitions[i].to);
    BOOST_TEST(after.transitions[i].count == before.transitions[i].count);
  }
  BOOST_TEST(after.accuracy.switches == before.accuracy.switches);
  BOOST_TEST(after.accuracy.top1_hits == before.accuracy.top1_hits);
  BOOST_TEST(ask<bool>(self, b, save_atom::value));
  BOOST_TEST(read_whole_file(dir.file("predictor-model.json")) == saved);
  stop(b);
}

BOOST_FIXTURE_TEST_CASE(saves_every_n_switches_and_every_t_seconds, fixture) {
  auto s = settings();
  s.model.predictor.save_every_switches = 3;
  s.model.predictor.save_every_s = 60;
  auto a = spawn(s);
  const auto file = dir.file("predictor-model.json");
  learn(a, 2);
  BOOST_TEST(!fs::exists(file));
  upd(a, 30, "punchy"); // the third learned switch: saved before the reply
  BOOST_REQUIRE(fs::exists(file));
  BOOST_TEST(read_whole_file(file).find(R"("learned_switches":3)") != std::string::npos);
  upd(a, 40, "adaptive");
  clock.set(89.9);
  self->send(a, caf::tick_atom::value, std::uint64_t{0});
  ask<model_snapshot>(self, a, model_atom::value); // the tick is handled before this
  BOOST_TEST(read_whole_file(file).find(R"("learned_switches":3)") != std::string::npos);
  clock.set(90); // 60 s after the save at 30 s
  self->send(a, caf::tick_atom::value, std::uint64_t{0});
  ask<model_snapshot>(self, a, model_atom::value);
  BOOST_TEST(read_whole_file(file).find(R"("learned_switches":4)") != std::string::npos);
  stop(a);
}

BOOST_FIXTURE_TEST_CASE(a_truncated_model_is_moved_aside_and_start_up_proceeds, fixture) {
  auto a = spawn(settings());
  learn(a, 4);
  stop(a);
  const auto file = dir.file("predictor-model.json");
  const auto text = read_whole_file(file);
  std::ofstream(file, std::ios::trunc) << text.substr(0, text.size() / 2);
  auto b = spawn(settings());
  const auto m = ask<model_snapshot>(self, b, model_atom::value);
  BOOST_TEST(m.transitions.empty());
  BOOST_TEST(m.learned_switches == 0u);
  BOOST_TEST(!fs::exists(file));
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().rfind("predictor-model.json.corrupt-", 0) == 0)
      ++aside;
  BOOST_TEST(aside == 1);
  // It works and learns afresh.
  BOOST_TEST((upd(b, 0, "warm").accepted));
  BOOST_TEST((upd(b, 10, "gentle").outcome == switch_outcome::learned));
  stop(b);
  BOOST_TEST(read_whole_file(file).find(R"("learned_switches":1)") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(with_learning_off_nothing_is_written, fixture) {
  auto a = spawn(settings(false));
  learn(a, 25);
  const auto m = ask<model_snapshot>(self, a, model_atom::value);
  BOOST_TEST(!m.learning);
  BOOST_TEST(m.transitions.empty());
  BOOST_TEST(m.accuracy.switches == 25u);
  BOOST_TEST(!ask<bool>(self, a, save_atom::value));
  clock.set(10000);
  self->send(a, caf::tick_atom::value, std::uint64_t{0});
  BOOST_TEST(ask<std::uint64_t>(self, a, forget_atom::value) == 0u);
  stop(a);
  BOOST_TEST(fs::is_empty(dir.path()));
}

BOOST_FIXTURE_TEST_CASE(learning_can_be_turned_off_and_the_model_forgotten, fixture) {
  auto a = spawn(settings());
  learn(a, 3);
  BOOST_TEST(!ask<bool>(self, a, learning_atom::value, false));
  BOOST_TEST((upd(a, 40, "adaptive").outcome == switch_outcome::measured));
  auto m = ask<model_snapshot>(self, a, model_atom::value);
  BOOST_TEST(!m.learning);
  BOOST_TEST(count_of(m, "adaptive", "punchy") == 2u);
  BOOST_TEST(ask<bool>(self, a, learning_atom::value, true));
  BOOST_TEST(ask<std::uint64_t>(self, a, forget_atom::value) == 3u); // and saved
  m = ask<model_snapshot>(self, a, model_atom::value);
  BOOST_TEST(m.transitions.empty());
  BOOST_TEST(read_whole_file(dir.file("predictor-model.json")).find(R"("counts":{})") !=
             std::string::npos);
  stop(a);
}
