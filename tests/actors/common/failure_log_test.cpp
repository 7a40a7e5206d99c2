#define BOOST_TEST_MODULE failure_log
#include <boost/test/unit_test.hpp>

#include "actors/common/failure_log.hpp"

using auralis::actors::failure_log;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(the_first_failure_is_logged_with_its_context) {
  failure_log log("planner", 10s);
  const auto t0 = failure_log::clock::time_point{} + 1h;
  BOOST_TEST(log.last_line().empty());
  BOOST_TEST(log.note("pruning stale jobs", "request_timeout", t0));
  BOOST_TEST(log.last_line() == "planner: pruning stale jobs failed: request_timeout");
  BOOST_TEST(log.total() == 1u);
  BOOST_TEST(log.left_out() == 0u);
}

BOOST_AUTO_TEST_CASE(failures_in_a_row_give_one_line_per_interval_and_the_count_left_out) {
  failure_log log("memory-governor", 10s);
  const auto t0 = failure_log::clock::time_point{} + 1h;
  BOOST_TEST(log.note("a budget for L2", "e1", t0));
  BOOST_TEST(!log.note("a budget for L3", "e2", t0 + 1s));
  BOOST_TEST(!log.note("a budget for L2", "e3", t0 + 9999ms));
  BOOST_TEST(log.left_out() == 2u);
  BOOST_TEST(log.last_line() == "memory-governor: a budget for L2 failed: e1");
  // At the interval exactly the next line is logged, with the two left out.
  BOOST_TEST(log.note("a budget for L3", "e4", t0 + 10s));
  BOOST_TEST(log.last_line() ==
             "memory-governor: a budget for L3 failed: e4 (2 more failures since the last line)");
  BOOST_TEST(log.left_out() == 0u);
  BOOST_TEST(log.total() == 4u);
  BOOST_TEST(!log.note("a budget for L3", "e5", t0 + 19s));
  BOOST_TEST(log.note("a budget for L3", "e6", t0 + 21s));
  BOOST_TEST(log.last_line() ==
             "memory-governor: a budget for L3 failed: e6 (1 more failure since the last line)");
}
