#define BOOST_TEST_MODULE accuracy_tracker
#include <boost/test/unit_test.hpp>

#include <simdjson.h>

#include "actors/predictor/accuracy_tracker.hpp"

using auralis::actors::accuracy_tracker;
namespace tt = boost::test_tools;

namespace {

std::string json_of(const accuracy_tracker& a) {
  auralis::config::json_writer w;
  a.write_json(w);
  return w.take();
}

void load(accuracy_tracker& a, const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  auto root = parser.parse(padded).value();
  auralis::config::json_reader r(root, "accuracy");
  a.read_json(r);
}

} // namespace

BOOST_AUTO_TEST_CASE(nothing_recorded_reads_zero) {
  accuracy_tracker a(50);
  const auto f = a.figures();
  BOOST_TEST(f.switches == 0u);
  BOOST_TEST(f.top1 == 0.0);
  BOOST_TEST(f.top3 == 0.0);
  BOOST_TEST(f.recent_switches == 0u);
  BOOST_TEST(f.recent_top1 == 0.0);
}

BOOST_AUTO_TEST_CASE(counts_are_exact_overall_and_over_the_window) {
  accuracy_tracker a(3);
  for (int rank : {1, 2, 0, 1, 3, 4})
    a.record(rank);
  const auto f = a.figures();
  BOOST_TEST(f.switches == 6u);
  BOOST_TEST(f.top1_hits == 2u);
  BOOST_TEST(f.top3_hits == 4u);
  BOOST_TEST(f.top1 == 2.0 / 6.0);
  BOOST_TEST(f.top3 == 4.0 / 6.0);
  // window: ranks 1, 3, 4
  BOOST_TEST(f.recent_switches == 3u);
  BOOST_TEST(f.recent_top1 == 1.0 / 3.0);
  BOOST_TEST(f.recent_top3 == 2.0 / 3.0);
  BOOST_CHECK_THROW(a.record(-1), std::invalid_argument);
  BOOST_TEST(a.figures().switches == 6u);
  a.clear();
  BOOST_TEST(a.figures().switches == 0u);
  BOOST_TEST(a.figures().recent_switches == 0u);
}

BOOST_AUTO_TEST_CASE(json_round_trip_is_exact) {
  accuracy_tracker a(4);
  for (int rank : {1, 1, 2, 0, 5, 1})
    a.record(rank);
  const auto text = json_of(a);
  BOOST_TEST(text == R"({"switches":6,"top1_hits":3,"top3_hits":4,"recent":[2,0,5,1]})");
  accuracy_tracker b(4);
  load(b, text);
  BOOST_TEST(json_of(b) == text);
  accuracy_tracker narrow(2); // a smaller window keeps the newest ranks
  load(narrow, text);
  BOOST_TEST(narrow.figures().recent_switches == 2u);
  BOOST_TEST(narrow.figures().recent_top1 == 0.5);
  BOOST_TEST(narrow.figures().top1_hits == 3u);
}

BOOST_AUTO_TEST_CASE(inconsistent_figures_throw_and_change_nothing) {
  accuracy_tracker a(4);
  a.record(1);
  for (const char* bad :
       {R"({"switches":2,"top1_hits":3,"top3_hits":3,"recent":[]})",
        R"({"switches":5,"top1_hits":3,"top3_hits":2,"recent":[]})",
        R"({"switches":1,"top1_hits":0,"top3_hits":0,"recent":[1,1]})",
        R"({"switches":1,"top1_hits":0,"top3_hits":0,"recent":[-1]})",
        R"({"switches":1,"top1_hits":0,"top3_hits":0})",
        R"({"switches":1,"top1_hits":0,"top3_hits":0,"recent":[],"extra":1})"}) {
    BOOST_CHECK_THROW(load(a, bad), auralis::config::json_field_error);
    BOOST_TEST(a.figures().switches == 1u);
    BOOST_TEST(a.figures().top1_hits == 1u);
  }
}
