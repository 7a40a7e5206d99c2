#define BOOST_TEST_MODULE health_report
#include <boost/test/unit_test.hpp>

#include "http/health_report.hpp"

using namespace auralis::http;

namespace {

cache_figures figures(std::uint64_t fetches, std::uint64_t l1, std::uint64_t total,
                      std::uint64_t bytes = 0, std::uint64_t budget = 99000000) {
  cache_figures f;
  f.client_fetches = fetches;
  f.l1_hits = l1;
  f.total_hits = total;
  f.bytes_held = bytes;
  f.budget_bytes = budget;
  return f;
}

} // namespace

namespace auralis::http {
std::ostream& operator<<(std::ostream& os, health_status s) { return os << to_string(s); }
} // namespace auralis::http

BOOST_AUTO_TEST_CASE(an_idle_cache_is_healthy) {
  health_report r(figures(0, 0, 0));
  BOOST_TEST(r.status() == health_status::healthy);
  BOOST_TEST(r.message() == "Cache idle");
  BOOST_TEST(r.to_json() ==
             R"({"status":"healthy","message":"Cache idle","l1_hit_rate":0,"overall_hit_rate":0,)"
             R"("total_memory_mb":0,"memory_limit_mb":99,"memory_utilization":0,"prediction_accuracy":0})");
}

BOOST_AUTO_TEST_CASE(hit_rates_are_judged_only_after_enough_fetches) {
  BOOST_TEST(health_report(figures(19, 0, 0)).status() == health_status::healthy);
  BOOST_TEST(health_report(figures(19, 0, 0)).message() == "Cache warming up");
  BOOST_TEST(health_report(figures(20, 0, 0)).status() == health_status::critical);
  BOOST_TEST(health_report(figures(20, 9, 18)).status() == health_status::warning);
  BOOST_TEST(health_report(figures(20, 10, 18)).status() == health_status::healthy);
  BOOST_TEST(health_report(figures(20, 10, 18)).message() == "Cache performing optimally");
}

BOOST_AUTO_TEST_CASE(memory_is_always_judged) {
  BOOST_TEST(health_report(figures(0, 0, 0, 90000001, 100000000)).status() == health_status::warning);
  BOOST_TEST(health_report(figures(0, 0, 0, 100000001, 100000000)).status() == health_status::critical);
  const auto json = health_report(figures(40, 30, 36, 49500000)).to_json();
  BOOST_TEST(json.find(R"("memory_utilization":0.5)") != std::string::npos);
  BOOST_TEST(json.find(R"("l1_hit_rate":0.75)") != std::string::npos);
  BOOST_TEST(json.find(R"("overall_hit_rate":0.9)") != std::string::npos);
  BOOST_TEST(json.find(R"("total_memory_mb":49.5)") != std::string::npos);
}
