#define BOOST_TEST_MODULE transition_model
#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include "actors/predictor/predictor_test_support.hpp"
#include "actors/predictor/transition_model.hpp"
#include "config/json_reader.hpp"

using auralis::actors::transition_model;
namespace tt = boost::test_tools;

namespace {

constexpr std::size_t adaptive = 0, gentle = 1, warm = 2, bright = 3, punchy = 4;

const std::map<std::string, double> cold{
  {"adaptive", 0.5}, {"gentle", 0.2}, {"warm", 0.15}, {"bright", 0.1}, {"punchy", 0.05}};

transition_model make(std::uint64_t limit = 1000) {
  return transition_model(auralis::test::five_presets(), cold, limit);
}

std::string json_of(const transition_model& m) {
  auralis::config::json_writer w;
  m.write_json(w);
  return w.take();
}

/// Loads `text` into `m` through a json_reader, as the predictor does.
std::vector<std::string> load(transition_model& m, const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  auto root = parser.parse(padded).value();
  auralis::config::json_reader r(root, "counts");
  return m.read_json(r);
}

} // namespace

BOOST_AUTO_TEST_CASE(cold_start_uses_the_defaults_without_the_current_preset) {
  const auto m = make();
  BOOST_TEST(!m.knows(adaptive));
  const auto p = m.probabilities(adaptive, {}, 1.5);
  // gentle .2, warm .15, bright .1, punchy .05 rescaled by 1 / 0.5
  BOOST_TEST(p[adaptive] == 0.0);
  BOOST_TEST(p[gentle] == 0.4, tt::tolerance(1e-12));
  BOOST_TEST(p[warm] == 0.3, tt::tolerance(1e-12));
  BOOST_TEST(p[bright] == 0.2, tt::tolerance(1e-12));
  BOOST_TEST(p[punchy] == 0.1, tt::tolerance(1e-12));
  const auto q = m.cold_start(punchy);
  BOOST_TEST(q[adaptive] == 0.5 / 0.95, tt::tolerance(1e-12));
  BOOST_TEST(q[punchy] == 0.0);
  BOOST_TEST(m.ranking(q, punchy) ==
               (std::vector<std::size_t>{adaptive, gentle, warm, bright}),
             tt::per_element());
}

BOOST_AUTO_TEST_CASE(cold_start_without_any_default_is_uniform) {
  transition_model m(auralis::test::five_presets(), {}, 100);
  const auto p = m.cold_start(warm);
  BOOST_TEST(p == (std::vector<double>{0.25, 0.25, 0.0, 0.25, 0.25}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(probability_is_count_over_total_from_the_current_preset) {
  auto m = make();
  for (int i = 0; i < 3; ++i)
    m.record(adaptive, punchy);
  m.record(adaptive, bright);
  m.record(punchy, warm);
  BOOST_TEST(m.count(adaptive, punchy) == 3u);
  BOOST_TEST(m.total_from(adaptive) == 4u);
  BOOST_TEST(m.total() == 5u);
  const auto p = m.probabilities(adaptive, {}, 1.5);
  BOOST_TEST(p[punchy] == 0.75);
  BOOST_TEST(p[bright] == 0.25);
  BOOST_TEST(p[gentle] == 0.0);
  // Never-seen targets rank after seen ones, by their cold-start default.
  BOOST_TEST(m.ranking(p, adaptive) ==
               (std::vector<std::size_t>{punchy, bright, gentle, warm}),
             tt::per_element());
}

BOOST_AUTO_TEST_CASE(recent_targets_are_boosted) {
  auto m = make();
  m.record(adaptive, punchy);
  m.record(adaptive, punchy);
  m.record(adaptive, warm);
  std::vector<bool> recent(5, false);
  recent[warm] = true;
  const auto p = m.probabilities(adaptive, recent, 1.5);
  BOOST_TEST(p[punchy] == 2.0 / 3.5, tt::tolerance(1e-12));
  BOOST_TEST(p[warm] == 1.5 / 3.5, tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(a_full_row_is_halved) {
  auto m = make(4);
  m.record(adaptive, punchy);
  m.record(adaptive, punchy);
  m.record(adaptive, punchy);
  BOOST_TEST(m.count(adaptive, punchy) == 3u);
  m.record(adaptive, bright); // total 4: halved, rounded down
  BOOST_TEST(m.count(adaptive, punchy) == 1u);
  BOOST_TEST(m.count(adaptive, bright) == 0u);
  BOOST_TEST(m.total_from(adaptive) == 1u);
}

BOOST_AUTO_TEST_CASE(bad_switches_are_refused) {
  auto m = make();
  BOOST_CHECK_THROW(m.record(warm, warm), std::invalid_argument);
  BOOST_CHECK_THROW(m.record(warm, 5), std::invalid_argument);
  BOOST_CHECK_THROW(transition_model(auralis::test::five_presets(), cold, 1),
                    std::invalid_argument);
  BOOST_TEST(m.total() == 0u);
}

BOOST_AUTO_TEST_CASE(clear_forgets_and_counts_what_it_forgot) {
  auto m = make();
  m.record(adaptive, punchy);
  m.record(gentle, warm);
  BOOST_TEST(m.clear() == 2u);
  BOOST_TEST(m.total() == 0u);
  BOOST_TEST(!m.knows(adaptive));
}

BOOST_AUTO_TEST_CASE(json_round_trip_is_exact) {
  auto m = make();
  for (int i = 0; i < 7; ++i)
    m.record(adaptive, punchy);
  m.record(punchy, adaptive);
  m.record(bright, gentle);
  const auto text = json_of(m);
  BOOST_TEST(text == R"({"adaptive":{"punchy":7},"bright":{"gentle":1},"punchy":{"adaptive":1}})");
  auto n = make();
  BOOST_TEST(load(n, text).empty());
  BOOST_TEST(json_of(n) == text);
  BOOST_TEST(n.count(adaptive, punchy) == 7u);
}

BOOST_AUTO_TEST_CASE(unknown_presets_in_a_file_are_skipped_and_named) {
  auto m = make();
  const auto unknown =
    load(m, R"({"adaptive": {"punchy": 2, "loud": 4}, "loud": {"warm": 1}})");
  BOOST_TEST(unknown == (std::vector<std::string>{"loud"}), tt::per_element());
  BOOST_TEST(m.count(adaptive, punchy) == 2u);
  BOOST_TEST(m.total() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_counts_throw_and_change_nothing) {
  auto m = make();
  m.record(adaptive, punchy);
  for (const char* bad : {R"({"adaptive": {"punchy": 0}})", R"({"adaptive": {"punchy": -3}})",
                          R"({"adaptive": {"punchy": 1.5}})", R"({"adaptive": {"punchy": "2"}})",
                          R"({"adaptive": {"adaptive": 2}})", R"({"adaptive": [1]})"}) {
    BOOST_CHECK_THROW(load(m, bad), auralis::config::json_field_error);
    BOOST_TEST(m.count(adaptive, punchy) == 1u);
    BOOST_TEST(m.total() == 1u);
  }
}

BOOST_AUTO_TEST_CASE(loaded_rows_over_the_limit_are_halved) {
  auto m = make(10);
  load(m, R"({"adaptive": {"punchy": 16, "warm": 5}})");
  // 21 -> (8, 2) = 10 -> (4, 1) = 5
  BOOST_TEST(m.count(adaptive, punchy) == 4u);
  BOOST_TEST(m.count(adaptive, warm) == 1u);
}
