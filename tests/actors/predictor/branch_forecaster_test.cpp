#define BOOST_TEST_MODULE branch_forecaster
#include <boost/test/unit_test.hpp>

#include "actors/predictor/branch_forecaster.hpp"

using namespace auralis::actors;
namespace tt = boost::test_tools;

namespace {

const std::vector<preset_probability> ranked{
  {"punchy", 0.5}, {"bright", 0.3}, {"gentle", 0.15}, {"warm", 0.05}};

void check(const branch_scenario& s, const std::string& name, branch_kind kind,
           const std::string& preset, std::int64_t first, std::int64_t last, double p) {
  BOOST_TEST(s.name == name);
  BOOST_TEST((s.kind == kind));
  BOOST_TEST(s.preset == preset);
  BOOST_TEST(s.first_chunk == first);
  BOOST_TEST(s.last_chunk == last);
  BOOST_TEST(s.probability == p, tt::tolerance(1e-12));
}

} // namespace

BOOST_AUTO_TEST_CASE(scenarios_follow_the_planner_rules) {
  branch_forecaster planner{auralis::config::planner_config{}};
  const auto out = planner.plan("adaptive", std::string("warm"), 60.0, 4, ranked);
  BOOST_REQUIRE(out.size() == 5u);
  check(out[0], "continue_current", branch_kind::continue_current, "adaptive", 6, 8, 0.6);
  check(out[1], "switch_to_punchy", branch_kind::switch_to, "punchy", 5, 6, 0.5 * 0.3);
  check(out[2], "switch_to_bright", branch_kind::switch_to, "bright", 5, 6, 0.3 * 0.3 / 2);
  check(out[3], "switch_to_gentle", branch_kind::switch_to, "gentle", 5, 6, 0.15 * 0.3 / 3);
  check(out[4], "toggle_back", branch_kind::toggle_back, "warm", 5, 5, 0.05);
}

BOOST_AUTO_TEST_CASE(seek_forward_only_after_120_s) {
  branch_forecaster planner{auralis::config::planner_config{}};
  auto at_120 = planner.plan("adaptive", std::nullopt, 120.0, 8, ranked);
  BOOST_TEST(at_120.size() == 4u); // continue + 3 switches; no toggle without a previous
  auto past = planner.plan("adaptive", std::nullopt, 120.5, 8, ranked);
  BOOST_REQUIRE(past.size() == 5u);
  check(past[4], "seek_forward", branch_kind::seek_forward, "adaptive", 18, 19, 0.05);
}

BOOST_AUTO_TEST_CASE(impossible_branches_are_left_out) {
  auralis::config::planner_config cfg;
  cfg.switch_top_n = 2;
  branch_forecaster planner{cfg};
  const std::vector<preset_probability> some{
    {"adaptive", 0.9}, {"punchy", 0.1}, {"warm", 0.0}, {"bright", 0.0}};
  // The current preset and zero-probability presets are no switch targets; toggling back
  // to the current preset is no branch.
  const auto out = planner.plan("adaptive", std::string("adaptive"), 0, 0, some);
  BOOST_REQUIRE(out.size() == 2u);
  check(out[0], "continue_current", branch_kind::continue_current, "adaptive", 2, 4, 0.6);
  check(out[1], "switch_to_punchy", branch_kind::switch_to, "punchy", 1, 2, 0.1 * 0.3);
}
