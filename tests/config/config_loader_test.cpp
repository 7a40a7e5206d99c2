#define BOOST_TEST_MODULE config_loader
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "config/config_loader.hpp"
#include "test_support.hpp"

using auralis::config::config_error;
using auralis::config::config_loader;

namespace {

/// Expects `fn` to throw config_error naming `key`.
template <class F>
void expect_key_error(F&& fn, const std::string& key) {
  try {
    fn();
    BOOST_FAIL("expected a config_error naming " + key);
  } catch (const config_error& e) {
    BOOST_TEST(e.key() == key);
    BOOST_TEST(std::string(e.what()).find(key) != std::string::npos);
  }
}

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

} // namespace

BOOST_AUTO_TEST_CASE(shipped_files_load_with_the_documented_defaults) {
  const auto cfg = config_loader::load_file(std::string(AURALIS_SOURCE_DIR) + "/config/auralis.json");
  BOOST_TEST(cfg.server.bind == "127.0.0.1");
  BOOST_TEST(cfg.server.port == 8765);
  BOOST_TEST(cfg.chunk_seconds == 15.0);
  BOOST_TEST(cfg.chunk_frames() == 720000);
  BOOST_TEST(cfg.tiers.l1_mb == 18.0);
  BOOST_TEST(cfg.tiers.l2_mb == 36.0);
  BOOST_TEST(cfg.tiers.l3_mb == 45.0);
  BOOST_TEST(cfg.tiers.total_mb == 99.0);
  BOOST_TEST(cfg.worker_count == 0);
  BOOST_TEST(cfg.listener_worker_count == 0);
  BOOST_TEST(cfg.background_nice == 0);
  BOOST_TEST(cfg.reserved_workers == 1);
  BOOST_TEST(cfg.max_queued_jobs == 64);
  BOOST_TEST(cfg.max_queued_mb == 24.0);
  BOOST_TEST(cfg.tiers.demote_queue_mb == 12.0);
  BOOST_TEST(cfg.tiers.overhead_mb == 64.0);
  BOOST_TEST(cfg.tiers.demote_encodes_in_flight == 1);
  BOOST_TEST(cfg.paths.data_dir == "var");
  BOOST_TEST(!cfg.paths.library_dir.has_value());
  BOOST_TEST(cfg.planner.l1_min_probability == 0.15);
  BOOST_TEST(cfg.planner.continue_chunks.first == 2);
  BOOST_TEST(cfg.planner.continue_chunks.last == 4);
  BOOST_TEST(cfg.predictor.switch_min_interval_ms == 500.0);
  BOOST_TEST(cfg.predictor.cold_start.at("adaptive") == 0.5);
  BOOST_TEST(cfg.predictor.accuracy_window == 50);
  BOOST_TEST(cfg.predictor.row_total_limit == 30);
  BOOST_REQUIRE(cfg.presets.size() == 5u);
  const auto* bright = cfg.presets.find("bright");
  BOOST_REQUIRE(bright);
  BOOST_TEST(bright->eq.high_db == 2.5);
  BOOST_TEST(bright->compressor.ratio == 2.8);
  BOOST_TEST(bright->limiter.release_ms == 40.0);
  BOOST_TEST(bright->target_lufs == -12.0);
  BOOST_TEST(bright->peak_target_db == -1.5); // -0.30 in presets.json, capped (max_true_peak_db)
  BOOST_TEST(cfg.max_true_peak_db == -1.5);
  const auto raw = config_loader::parse_presets(auralis::config::embedded_presets_json, "p.json");
  BOOST_TEST(raw.find("bright")->peak_target_db == -0.30);
  BOOST_TEST(config_loader::cap_true_peak(raw, 0).find("bright")->peak_target_db == -0.30);
  BOOST_TEST(config_loader::cap_true_peak(raw, -3).find("gentle")->peak_target_db == -3.0);
  BOOST_TEST(cfg.presets.names() ==
             (std::vector<std::string>{"adaptive", "gentle", "warm", "bright", "punchy"}));
}

BOOST_AUTO_TEST_CASE(embedded_copy_equals_the_files) {
  const auto file = config_loader::load_file(std::string(AURALIS_SOURCE_DIR) + "/config/auralis.json");
  const auto embedded = config_loader::load_embedded();
  BOOST_TEST(embedded.server.port == file.server.port);
  BOOST_TEST(embedded.tiers.total_mb == file.tiers.total_mb);
  BOOST_TEST(embedded.presets.names() == file.presets.names());
  BOOST_TEST(embedded.presets.find("warm")->eq.low_mid_db == 1.2);
}

BOOST_AUTO_TEST_CASE(an_empty_object_keeps_every_default) {
  const auto cfg = config_loader::parse_engine("{}", "x.json");
  BOOST_TEST(cfg.server.port == 8765);
  BOOST_TEST(cfg.tiers.l2_mb == 36.0);
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_refused_with_their_path) {
  expect_key_error([] { config_loader::parse_engine(R"({"srever": {}})", "x.json"); }, "srever");
  expect_key_error([] { config_loader::parse_engine(R"({"tiers": {"l4_mb": 3}})", "x.json"); },
                   "tiers.l4_mb");
}

BOOST_AUTO_TEST_CASE(wrong_types_are_refused_with_the_key) {
  expect_key_error([] { config_loader::parse_engine(R"({"server": {"port": "8765"}})", "x.json"); },
                   "server.port");
  expect_key_error([] { config_loader::parse_engine(R"({"server": {"bind": 1}})", "x.json"); },
                   "server.bind");
  expect_key_error([] { config_loader::parse_engine(R"({"predictor": {"learning": 1}})", "x.json"); },
                   "predictor.learning");
  expect_key_error([] { config_loader::parse_engine(R"({"tiers": []})", "x.json"); }, "tiers");
  expect_key_error([] { config_loader::parse_engine(R"({"planner": {"l3_chunks": [2]}})", "x.json"); },
                   "planner.l3_chunks");
}

BOOST_AUTO_TEST_CASE(out_of_range_values_are_refused_with_the_key) {
  expect_key_error([] { config_loader::parse_engine(R"({"server": {"port": 70000}})", "x.json"); },
                   "server.port");
  expect_key_error([] { config_loader::parse_engine(R"({"server": {"port": 80.5}})", "x.json"); },
                   "server.port");
  expect_key_error([] { config_loader::parse_engine(R"({"tiers": {"l1_mb": 0}})", "x.json"); },
                   "tiers.l1_mb");
  expect_key_error([] { config_loader::parse_engine(R"({"audio": {"chunk_seconds": -1}})", "x.json"); },
                   "audio.chunk_seconds");
  expect_key_error([] { config_loader::parse_engine(R"({"workers": {"count": -2}})", "x.json"); },
                   "workers.count");
  expect_key_error([] { config_loader::parse_engine(R"({"opus": {"complexity": 11}})", "x.json"); },
                   "opus.complexity");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"predictor": {"row_total_limit": 1}})", "x.json"); },
    "predictor.row_total_limit");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"predictor": {"accuracy_window": 0}})", "x.json"); },
    "predictor.accuracy_window");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"planner": {"l3_chunks": [9, 2]}})", "x.json"); },
    "planner.l3_chunks");
}

BOOST_AUTO_TEST_CASE(queue_bounds_are_range_checked_with_the_key) {
  expect_key_error(
    [] { config_loader::parse_engine(R"({"tiers": {"demote_queue_mb": -1}})", "x.json"); },
    "tiers.demote_queue_mb");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"tiers": {"overhead_mb": -5}})", "x.json"); },
    "tiers.overhead_mb");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"tiers": {"demote_encodes_in_flight": 0}})", "x.json"); },
    "tiers.demote_encodes_in_flight");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"tiers": {"demote_encodes_in_flight": 17}})", "x.json"); },
    "tiers.demote_encodes_in_flight");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"max_queued_jobs": 0}})", "x.json"); },
    "workers.max_queued_jobs");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"listener_count": -1}})", "x.json"); },
    "workers.listener_count");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"background_nice": 20}})", "x.json"); },
    "workers.background_nice");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"reserved_for_listeners": -1}})", "x.json"); },
    "workers.reserved_for_listeners");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"max_queued_jobs": 1.5}})", "x.json"); },
    "workers.max_queued_jobs");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"workers": {"max_queued_mb": 0.5}})", "x.json"); },
    "workers.max_queued_mb");
  const auto cfg = config_loader::parse_engine(
    R"({"tiers": {"demote_queue_mb": 0, "demote_encodes_in_flight": 2, "overhead_mb": 0},
        "workers": {"max_queued_jobs": 8, "max_queued_mb": 3}})",
    "x.json");
  BOOST_TEST(cfg.tiers.demote_queue_mb == 0.0);
  BOOST_TEST(cfg.tiers.demote_encodes_in_flight == 2);
  BOOST_TEST(cfg.tiers.overhead_mb == 0.0);
  BOOST_TEST(cfg.max_queued_jobs == 8);
  BOOST_TEST(cfg.max_queued_mb == 3.0);
}

// Every accepted value means what it says: a value the engine would quietly replace by
// another is refused instead.
BOOST_AUTO_TEST_CASE(values_the_engine_would_replace_are_refused_with_the_key) {
  // 0 outstanding L3 renders would stop L3 work; it is at least 1 (l2_jobs_per_round too).
  expect_key_error(
    [] { config_loader::parse_engine(R"({"planner": {"l3_jobs_per_round": 0}})", "x.json"); },
    "planner.l3_jobs_per_round");
  expect_key_error(
    [] { config_loader::parse_engine(R"({"planner": {"l2_jobs_per_round": 0}})", "x.json"); },
    "planner.l2_jobs_per_round");
  const auto cfg = config_loader::parse_engine(
    R"({"planner": {"l3_jobs_per_round": 1, "room_jobs_per_round": 0}})", "x.json");
  BOOST_TEST(cfg.planner.l3_jobs_per_round == 1);
  BOOST_TEST(cfg.planner.room_jobs_per_round == 0);
}

BOOST_AUTO_TEST_CASE(budgets_that_do_not_add_up_are_refused) {
  auto cfg = config_loader::parse_engine(R"({"tiers": {"l1_mb": 50, "total_mb": 99}})", "x.json");
  expect_key_error([&] { config_loader::validate(cfg, "x.json"); }, "tiers.total_mb");
}

BOOST_AUTO_TEST_CASE(malformed_json_names_the_file) {
  try {
    config_loader::parse_engine("{\"server\": ", "broken.json");
    BOOST_FAIL("expected config_error");
  } catch (const config_error& e) {
    BOOST_TEST(e.file() == "broken.json");
    BOOST_TEST(e.key().empty());
    BOOST_TEST(std::string(e.what()).find("broken.json") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(bad_presets_are_refused_with_the_key) {
  const std::string good_eq =
    R"("eq": {"low_db": 0, "low_mid_db": 0, "mid_db": 0, "high_mid_db": 0, "high_db": 0})";
  const std::string rest =
    R"("compressor": {"ratio": 2, "threshold_db": -20, "attack_ms": 5, "release_ms": 50},
       "limiter": {"threshold_db": -1, "release_ms": 50}, "eq_blend": 1, "dynamics_blend": 1,
       "target_lufs": -14, "peak_target_db": -1)";
  const auto one = [&](const std::string& body) { return "{\"presets\": [{" + body + "}]}"; };
  BOOST_TEST(config_loader::parse_presets(one(R"("name": "mine", )" + good_eq + ", " + rest),
                                          "p.json").size() == 1u);
  expect_key_error([&] { config_loader::parse_presets(one(good_eq + ", " + rest), "p.json"); },
                   "presets[0].name");
  expect_key_error(
    [&] {
      config_loader::parse_presets(
        one(R"("name": "x", "eq": {"low_db": 30, "low_mid_db": 0, "mid_db": 0, "high_mid_db": 0, "high_db": 0}, )" + rest),
        "p.json");
    },
    "presets[0].eq.low_db");
  expect_key_error(
    [&] { config_loader::parse_presets(one(R"("name": "x", "colour": 1, )" + good_eq + ", " + rest), "p.json"); },
    "presets[0].colour");
  expect_key_error([] { config_loader::parse_presets(R"({"presets": []})", "p.json"); }, "presets");
  expect_key_error([] { config_loader::parse_presets(R"({"presets": {}})", "p.json"); }, "presets");
  // Unknown keys beside "presets" are refused like any other.
  expect_key_error(
    [&] {
      config_loader::parse_presets(
        R"({"presets": [{"name": "mine", )" + good_eq + ", " + rest + R"(}], "colour": 1})",
        "p.json");
    },
    "colour");
  // No presets key at all (found by fuzz/engine_config: it read an unset JSON element).
  expect_key_error([] { config_loader::parse_presets("{}", "p.json"); }, "presets");
}

BOOST_AUTO_TEST_CASE(a_config_file_names_its_presets_file_relative_to_itself) {
  auralis::test::scratch_dir dir("config");
  write(dir.file("engine.json"), R"({"paths": {"presets_file": "missing.json"}})");
  try {
    config_loader::load_file(dir.file("engine.json"));
    BOOST_FAIL("expected config_error");
  } catch (const config_error& e) {
    BOOST_TEST(e.file() == dir.file("missing.json"));
  }
  write(dir.file("engine.json"), R"({"predictor": {"cold_start": {"loud": 0.5}}})");
  std::ifstream presets(std::string(AURALIS_SOURCE_DIR) + "/config/presets.json");
  std::ofstream(dir.file("presets.json")) << presets.rdbuf();
  expect_key_error([&] { config_loader::load_file(dir.file("engine.json")); },
                   "predictor.cold_start.loud");
}
