#define BOOST_TEST_MODULE content_affinity
#include <boost/test/unit_test.hpp>

#include "actors/predictor/content_affinity.hpp"
#include "actors/predictor/predictor_test_support.hpp"

using auralis::actors::chunk_features;
using auralis::actors::content_affinity;
namespace tt = boost::test_tools;

namespace {

// Index order of five_presets().
constexpr std::size_t adaptive = 0, gentle = 1, warm = 2, bright = 3, punchy = 4;

chunk_features middling() { return {0.5, 0.5, 0.5, 0.5, 0.5}; }

} // namespace

BOOST_AUTO_TEST_CASE(no_rule_fires_for_middling_features) {
  content_affinity a(auralis::test::five_presets());
  const auto s = a.scores(middling());
  BOOST_TEST(s == (std::vector<double>{0, 0, 0, 0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(one_rule_scores_weight_times_score_without_normalising) {
  content_affinity a(auralis::test::five_presets());
  auto f = middling();
  f.energy = 0.8; // high energy, weight 0.5: punchy 0.8, bright 0.6, adaptive 0.4
  const auto s = a.scores(f);
  BOOST_TEST(s[punchy] == 0.4, tt::tolerance(1e-12));
  BOOST_TEST(s[bright] == 0.3, tt::tolerance(1e-12));
  BOOST_TEST(s[adaptive] == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(s[gentle] == 0.0);
  BOOST_TEST(s[warm] == 0.0);
}

BOOST_AUTO_TEST_CASE(thresholds_are_strict) {
  content_affinity a(auralis::test::five_presets());
  chunk_features f{0.7, 0.6, 0.7, 0.6, 0.6}; // every "high" threshold exactly
  BOOST_TEST(a.scores(f) == (std::vector<double>{0, 0, 0, 0, 0}), tt::per_element());
  chunk_features low{0.3, 0.5, 0.3, 0.5, 0.5}; // every "low" threshold exactly
  BOOST_TEST(a.scores(low) == (std::vector<double>{0, 0, 0, 0, 0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(low_energy_and_low_dynamics_add_up) {
  content_affinity a(auralis::test::five_presets());
  chunk_features f{0.1, 0.5, 0.2, 0.5, 0.5};
  const auto s = a.scores(f);
  // low energy (0.5): gentle 0.35, warm 0.30, adaptive 0.15
  // low dynamics (0.3): warm 0.21, gentle 0.18, adaptive 0.09
  BOOST_TEST(s[gentle] == 0.53, tt::tolerance(1e-12));
  BOOST_TEST(s[warm] == 0.51, tt::tolerance(1e-12));
  BOOST_TEST(s[adaptive] == 0.24, tt::tolerance(1e-12));
  BOOST_TEST(s[bright] == 0.0);
  BOOST_TEST(s[punchy] == 0.0);
}

BOOST_AUTO_TEST_CASE(scores_above_one_are_scaled_by_the_largest) {
  content_affinity a(auralis::test::five_presets());
  chunk_features f{0.8, 0.7, 0.8, 0.7, 0.7}; // every "high" rule fires
  const auto s = a.scores(f);
  // raw: punchy .4+.2+.2+.32 = 1.12; bright .3+.32+.21+.24 = 1.07;
  // adaptive .2+.12+.15+.32+.16 = .95; gentle .08; warm .09
  BOOST_TEST(s[punchy] == 1.0, tt::tolerance(1e-12));
  BOOST_TEST(s[bright] == 1.07 / 1.12, tt::tolerance(1e-12));
  BOOST_TEST(s[adaptive] == 0.95 / 1.12, tt::tolerance(1e-12));
  BOOST_TEST(s[gentle] == 0.08 / 1.12, tt::tolerance(1e-12));
  BOOST_TEST(s[warm] == 0.09 / 1.12, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(presets_the_table_does_not_name_score_zero) {
  std::vector<auralis::config::preset> ps(3);
  ps[0].name = "punchy";
  ps[1].name = "custom";
  ps[2].name = "adaptive";
  content_affinity a{auralis::config::preset_set(ps)};
  auto f = middling();
  f.energy = 0.9;
  const auto s = a.scores(f);
  BOOST_REQUIRE(s.size() == 3u);
  BOOST_TEST(s[0] == 0.4, tt::tolerance(1e-12));
  BOOST_TEST(s[1] == 0.0);
  BOOST_TEST(s[2] == 0.2, tt::tolerance(1e-12));
}
