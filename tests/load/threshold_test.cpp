#define BOOST_TEST_MODULE threshold
#include <boost/test/unit_test.hpp>

#include "load/threshold.hpp"

using namespace auralis::load;

BOOST_AUTO_TEST_CASE(parses_every_operator) {
  const std::pair<const char*, comparison> cases[] = {
    {"switch_ms_p95 < 150", comparison::less},      {"fetch_ms_p99 <= 500", comparison::less_equal},
    {"hit_rate > 0.8", comparison::greater},        {"hit_rate>=0.8", comparison::greater_equal},
    {"underruns == 0", comparison::equal},          {" errors != 3 ", comparison::not_equal},
  };
  for (const auto& [text, op] : cases) {
    const auto t = threshold::parse(text);
    BOOST_TEST((t.op() == op), text);
  }
  const auto t = threshold::parse("  rss_mb <  163.5 ");
  BOOST_TEST(t.metric() == "rss_mb");
  BOOST_TEST(t.limit() == 163.5);
  BOOST_TEST(t.text() == "rss_mb <  163.5");
}

BOOST_AUTO_TEST_CASE(evaluates_against_figures) {
  const std::map<std::string, double> f{{"switch_ms_p95", 150}, {"underruns", 0}, {"hit_rate", 0.8}};
  BOOST_TEST((threshold::parse("switch_ms_p95 < 150").evaluate(f) == threshold_outcome::breached));
  BOOST_TEST((threshold::parse("switch_ms_p95 <= 150").evaluate(f) == threshold_outcome::held));
  BOOST_TEST((threshold::parse("switch_ms_p95 > 149.9").evaluate(f) == threshold_outcome::held));
  BOOST_TEST((threshold::parse("hit_rate >= 0.8").evaluate(f) == threshold_outcome::held));
  BOOST_TEST((threshold::parse("underruns == 0").evaluate(f) == threshold_outcome::held));
  BOOST_TEST((threshold::parse("underruns != 0").evaluate(f) == threshold_outcome::breached));
  BOOST_TEST((threshold::parse("rss_mb < 163").evaluate(f) == threshold_outcome::not_measured));
}

BOOST_AUTO_TEST_CASE(bad_thresholds_are_refused_with_the_reason) {
  auto error_of = [](const std::string& text) {
    try {
      threshold::parse(text);
    } catch (const threshold_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  BOOST_TEST(error_of("latency < 5") == "'latency < 5': unknown metric 'latency'");
  BOOST_TEST(error_of("errors = 0") == "'errors = 0': unknown operator (use < <= > >= == !=)");
  BOOST_TEST(error_of("errors 0") ==
             "'errors 0': expected '<metric> <op> <number>' with op one of < <= > >= == !=");
  BOOST_TEST(error_of("errors < zero") == "'errors < zero': 'zero' is not a number");
  BOOST_TEST(error_of("errors <") == "'errors <': '' is not a number");
  BOOST_TEST(error_of("< 3") == "'< 3': no metric before the operator");
}

BOOST_AUTO_TEST_CASE(every_kind_has_latency_metrics) {
  for (const char* k : {"position", "fetch", "fetch_wav", "fetch_opus", "switch", "seek",
                        "intensity", "track_start", "stats", "clear"})
    for (const char* s : {"_ms_p50", "_ms_p95", "_ms_p99", "_ms_max", "_count"})
      BOOST_TEST(threshold::known_metric(std::string(k) + s), k << s);
  for (const char* m : {"errors", "underruns", "hit_rate", "rss_mb", "errors_503", "fds",
                        "attack_unexpected", "stall_ms", "req_per_s"})
    BOOST_TEST(threshold::known_metric(m), m);
  BOOST_TEST(!threshold::known_metric("switch_ms_p42"));
}
