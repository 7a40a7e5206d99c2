#define BOOST_TEST_MODULE scenario
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <set>

#include "load/scenario_loader.hpp"

using namespace auralis::load;
namespace fs = std::filesystem;

namespace {

/// The error parsing `text` gives, as "<key>|<what>".
std::string error_of(const std::string& text) {
  try {
    scenario_loader::parse(text, "x.json", "x");
  } catch (const scenario_error& e) {
    return e.key() + "|" + e.what();
  }
  return "no error";
}

} // namespace

BOOST_AUTO_TEST_CASE(every_shipped_scenario_parses_and_is_built_in) {
  const fs::path dir = fs::path(AURALIS_SOURCE_DIR) / "config" / "scenarios";
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json")
      continue;
    const auto s = scenario_loader::load(entry.path().string());
    BOOST_TEST(s.name == entry.path().stem().string());
    BOOST_TEST(!s.description.empty(), s.name);
    BOOST_TEST(!s.thresholds.empty(), s.name);
    names.insert(s.name);
  }
  const std::set<std::string> wanted{"first_time", "experienced", "exploration", "settled",
                                     "seek_heavy", "crowd", "churn", "clear_storm",
                                     "bad_input_storm", "stress", "capacity"};
  BOOST_TEST(names == wanted);
  const auto built_in = scenario_loader::embedded_names();
  BOOST_TEST(std::set<std::string>(built_in.begin(), built_in.end()) == wanted);
}

BOOST_AUTO_TEST_CASE(a_bare_name_finds_the_scenario_file) {
  const auto s = scenario_loader::load("stress");
  BOOST_TEST(s.name == "stress");
  BOOST_TEST(s.sessions == 20);
  BOOST_TEST(s.speed == 10.0);
  BOOST_TEST(s.duration_s == 60.0);
  BOOST_TEST(s.behaviour.opus_ratio > 0.0);
  BOOST_TEST(s.behaviour.seek_per_min > 0.0);
  BOOST_TEST(s.behaviour.track_change_per_min > 0.0);
  const auto crowd = scenario_loader::load("crowd");
  BOOST_TEST((crowd.tracks.popularity == popularity_mode::zipf));
  BOOST_TEST(crowd.tracks.zipf_exponent == 1.2);
  const auto cap = scenario_loader::load("capacity");
  BOOST_TEST(cap.capacity.enabled);
  BOOST_TEST(cap.capacity.step_sessions == 10);
  const auto churn = scenario_loader::load("churn");
  BOOST_TEST(churn.lifetime.enabled);
  BOOST_TEST((churn.arrivals.mode == arrival_mode::poisson));
  BOOST_CHECK_THROW(scenario_loader::load("no_such_scenario"), scenario_error);
  try {
    scenario_loader::load("no_such_scenario");
  } catch (const scenario_error& e) {
    BOOST_TEST(std::string(e.what()).find("no such scenario (known: ") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(a_full_scenario_reads_every_key) {
  const auto s = scenario_loader::parse(R"({
    "name": "mine", "description": "d", "sessions": 7, "duration_s": 30, "warmup_s": 2,
    "speed": 3, "seed": 42, "request_timeout_s": 4, "stats_interval_s": 0.5, "clear_per_min": 2,
    "arrivals": {"mode": "poisson", "rate": 0.5},
    "lifetime": {"mean_s": 10, "min_s": 2},
    "tracks": {"popularity": "zipf", "zipf_exponent": 1.5, "max_tracks": 3},
    "behaviour": {"start_preset": "warm", "start_intensity": 0.5,
      "transitions": {"warm": {"bright": 3, "punchy": 1}},
      "switch_per_min": 4, "seek_per_min": 1, "track_change_per_min": 0.5,
      "intensity_per_min": 0.25, "pause_per_min": 0.1, "pause_mean_s": 3, "opus_ratio": 0.4,
      "position_interval_s": 2, "lead_s": 4},
    "attackers": {"sessions": 2, "rate": 3},
    "capacity": {"start_sessions": 2, "step_sessions": 3, "step_s": 10, "max_sessions": 11},
    "thresholds": ["errors == 0", "switch_ms_p95<150"]
  })", "mine.json", "file");
  BOOST_TEST(s.name == "mine");
  BOOST_TEST(s.sessions == 7);
  BOOST_TEST(s.seed == 42u);
  BOOST_TEST(s.stats_interval_s == 0.5);
  BOOST_TEST((s.arrivals.mode == arrival_mode::poisson));
  BOOST_TEST(s.arrivals.rate == 0.5);
  BOOST_TEST(s.lifetime.enabled);
  BOOST_TEST(s.tracks.max_tracks == 3);
  BOOST_TEST(s.behaviour.start_preset == "warm");
  const auto warm = static_cast<std::size_t>(preset_index("warm"));
  BOOST_TEST(s.behaviour.transitions[warm][static_cast<std::size_t>(preset_index("bright"))] == 0.75);
  BOOST_TEST(s.behaviour.transitions[warm][static_cast<std::size_t>(preset_index("punchy"))] == 0.25);
  BOOST_TEST(s.behaviour.transitions[warm][warm] == 0.0);
  // Rows not given: the other four alike.
  BOOST_TEST(s.behaviour.transitions[0][1] == 0.25);
  BOOST_TEST(s.behaviour.lead_s == 4.0);
  BOOST_TEST(s.attackers.sessions == 2);
  BOOST_TEST(s.capacity.enabled);
  BOOST_TEST(s.capacity.max_sessions == 11);
  BOOST_TEST(s.thresholds.size() == 2u);
  BOOST_TEST(s.thresholds[1].metric() == "switch_ms_p95");
}

BOOST_AUTO_TEST_CASE(bad_scenarios_name_the_key) {
  BOOST_TEST(error_of(R"({"sessions": "many"})") ==
             "sessions|x.json: sessions: must be a whole number, not string");
  BOOST_TEST(error_of(R"({"sesions": 3})") == "sesions|x.json: sesions: unknown key");
  BOOST_TEST(error_of(R"({"arrivals": {"mode": "poisson", "rate": 0}})") ==
             "arrivals.rate|x.json: arrivals.rate: must be a number > 0 and <= 10000");
  BOOST_TEST(error_of(R"({"arrivals": {"mode": "burst"}})") ==
             "arrivals.mode|x.json: arrivals.mode: must be one of all, ramp, poisson, not 'burst'");
  BOOST_TEST(error_of(R"({"behaviour": {"swich_per_min": 1}})") ==
             "behaviour.swich_per_min|x.json: behaviour.swich_per_min: unknown key");
  BOOST_TEST(error_of(R"({"behaviour": {"opus_ratio": 1.5}})") ==
             "behaviour.opus_ratio|x.json: behaviour.opus_ratio: must be a number in [0, 1]");
  BOOST_TEST(error_of(R"({"behaviour": {"transitions": {"loud": {"warm": 1}}}})") ==
             "behaviour.transitions.loud|x.json: behaviour.transitions.loud: unknown preset "
             "(known: adaptive, gentle, warm, bright, punchy)");
  BOOST_TEST(error_of(R"({"behaviour": {"transitions": {"warm": {"warm": 1}}}})") ==
             "behaviour.transitions.warm.warm|x.json: behaviour.transitions.warm.warm: must be 0 "
             "(a switch goes to another preset)");
  BOOST_TEST(error_of(R"({"behaviour": {"transitions": {"warm": {"bright": -1}}}})") ==
             "behaviour.transitions.warm.bright|x.json: behaviour.transitions.warm.bright: must be a number >= 0");
  BOOST_TEST(error_of(R"({"thresholds": ["latency < 1"]})") ==
             "thresholds[0]|x.json: thresholds[0]: 'latency < 1': unknown metric 'latency'");
  BOOST_TEST(error_of(R"({"thresholds": "errors == 0"})") ==
             "thresholds|x.json: thresholds: must be an array of strings, not string");
  BOOST_TEST(error_of(R"({"duration_s": 10, "warmup_s": 10})") ==
             "warmup_s|x.json: warmup_s: must be less than duration_s");
  BOOST_TEST(error_of(R"({"speed": 0})") == "speed|x.json: speed: must be a number > 0 and <= 1000");
  BOOST_TEST(error_of(R"({"capacity": {"start_sessions": 5, "max_sessions": 2}})") ==
             "capacity.max_sessions|x.json: capacity.max_sessions: must be >= capacity.start_sessions");
  BOOST_TEST(error_of(R"({"attackers": {"sessions": 1}})") ==
             "attackers.rate|x.json: attackers.rate: must be a number > 0 when there are attackers");
  BOOST_TEST(error_of("{") .find("|x.json: is not valid JSON") == 0u);
  BOOST_TEST(error_of("[]") == "(document)|x.json: (document): must be an object, not array");
}
