#define BOOST_TEST_MODULE pool_admission
#include <boost/test/unit_test.hpp>

#include <limits>

#include "actors/pool/pool_admission.hpp"

using auralis::actors::pool_admission;

BOOST_AUTO_TEST_CASE(a_job_that_starts_at_once_is_admitted) {
  pool_admission a(1000, 500);
  // An idle worker for it: admitted although one job takes longer than the limit.
  BOOST_TEST(a.estimate_ms(1, 2, 2) == 1000.0);
  BOOST_TEST(!a.refuse(1, 2, 2).has_value());
  // No idle worker left for it: refused.
  BOOST_TEST(a.refuse(2, 2, 2).has_value());
}

BOOST_AUTO_TEST_CASE(the_estimate_counts_rounds_of_workers) {
  pool_admission a(100, 5000);
  // All 2 workers busy, 3 queued ahead: 4 jobs to run = 2 rounds, plus one job time for a
  // busy worker to free up.
  BOOST_TEST(a.estimate_ms(3, 0, 2) == 300.0);
  BOOST_TEST(a.estimate_ms(0, 0, 1) == 200.0);
  BOOST_TEST(a.estimate_ms(4, 1, 2) == 300.0); // 1 idle takes one: 4 left incl. itself
  BOOST_TEST(a.estimate_ms(5, 0, 0) == 700.0); // no workers counts as one
}

BOOST_AUTO_TEST_CASE(refuses_past_the_limit_with_the_seconds_to_wait) {
  pool_admission a(100, 5000);
  // 2 workers busy: 98 ahead -> 1 + 50 rounds = 5100 ms > 5000.
  BOOST_TEST(!a.refuse(97, 0, 2).has_value()); // 1 + 49 = 50 -> 5000 ms: admitted
  auto r = a.refuse(98, 0, 2);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(*r == 6u); // 5.1 s rounded up
  // The wait is capped at a minute.
  BOOST_TEST(*a.refuse(100000, 0, 2) == 60u);
  // No limit: everything is admitted.
  pool_admission open(100, 0);
  BOOST_TEST(!open.refuse(100000, 0, 1).has_value());
}

BOOST_AUTO_TEST_CASE(measured_jobs_move_the_estimate) {
  pool_admission a(100, 5000);
  a.record(600); // 100 + (600 - 100) / 5
  BOOST_TEST(a.job_ms() == 200.0);
  a.record(-1);
  a.record(std::numeric_limits<double>::quiet_NaN());
  BOOST_TEST(a.job_ms() == 200.0);
  a.record(200);
  BOOST_TEST(a.job_ms() == 200.0);
}
