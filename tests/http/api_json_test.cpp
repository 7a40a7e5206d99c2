#define BOOST_TEST_MODULE api_json
#include <boost/test/unit_test.hpp>

#include <string>

#include "http/api_json.hpp"

using namespace auralis::http;

BOOST_AUTO_TEST_CASE(stats_without_engine_figures_keep_the_seed_shape) {
  tier_reports t;
  auralis::actors::predictor_stats p;
  const auto json = stats_json(t, p, 99'000'000);
  BOOST_TEST(json.find("\"engine\"") == std::string::npos);
  BOOST_TEST(json.find("\"overall\":{") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_engine_block_reports_queues_memory_and_refusals) {
  tier_reports t;
  auralis::actors::predictor_stats p;
  engine_figures e;
  auralis::actors::pool_report pool;
  pool.workers = 2;
  pool.busy = 2;
  pool.queued = {1, 2, 3, 4, 6};
  pool.queued_bytes = 5'760'000;
  pool.running_bytes = 2'880'000;
  pool.max_queued = 64;
  pool.max_queued_bytes = 24'000'000;
  pool.shed = 5;
  pool.refused = 3;
  pool.job_ms = 42.5;
  pool.renders = 40;
  pool.reused_inputs = 31;
  e.pool = pool;
  auralis::actors::demotion_report d;
  d.waiting = 2;
  d.in_flight = 1;
  d.backlog_bytes = 8'640'000;
  d.budget_bytes = 12'000'000;
  d.dropped = 638;
  d.received = 641;
  d.stored = 1;
  d.refreshed = 2;
  d.failed = 0;
  d.invalidated = 3;
  e.demotion = d;
  auralis::actors::governor_report g;
  g.limit_bytes = 163'000'000;
  g.outside_bytes = 70'500'000;
  g.l1_budget = 18'000'000;
  g.l2_budget = 10'000'000;
  g.l3_budget = 45'000'000;
  g.cuts = 4;
  e.governor = g;
  e.memory = auralis::actors::process_memory{150'000'000, 20'000'000};
  e.http_timeouts = 7;
  e.sending_bytes = 2'880'000;
  e.sending = 1;
  const auto json = stats_json(t, p, 99'000'000, e);
  const std::string expected =
    R"("engine":{"rss_mb":150,"rss_shared_mb":20,"job_input_mb":8.64,"queued_job_bytes":5760000,)"
    R"("running_job_bytes":2880000,"pool":{"workers":2,"busy":2,"queued":{"immediate":1,"l1":2,)"
    R"("l2":3,"l3":4,"background":6},"max_queued":64,"max_queued_mb":24,"shed":5,"overload_refusals":3,)"
    R"("job_ms":42.5,"renders":40,"reused_inputs":31},"demotion":{"waiting":2,"in_flight":1,"backlog_bytes":8640000,)"
    R"("backlog_mb":8.64,"budget_mb":12,"dropped":638,"received":641,"stored":1,"refreshed":2,)"
    R"("failed":0,"invalidated":3},"memory":{"limit_mb":163,"outside_tiers_mb":70.5,"l1_budget_mb":18,)"
    R"("l2_budget_mb":10,"l3_budget_mb":45,"cuts":4},)"
    R"("http_timeouts":7,"sending_mb":2.88,"sending":1}})";
  BOOST_TEST(json.size() >= expected.size());
  BOOST_TEST(json.substr(json.size() - expected.size()) == expected);
  // The seed fields are all still there, before the new block.
  BOOST_TEST(json.find("\"l1\":{") == 1u);
  BOOST_TEST(json.find("\"prediction\":{") < json.find("\"engine\":{"));
}

BOOST_AUTO_TEST_CASE(missing_figures_leave_their_fields_out) {
  tier_reports t;
  auralis::actors::predictor_stats p;
  engine_figures e;
  const auto json = stats_json(t, p, 99'000'000, e);
  const std::string expected = R"("engine":{"http_timeouts":0,"sending_mb":0,"sending":0}})";
  BOOST_TEST(json.substr(json.size() - expected.size()) == expected);
}

BOOST_AUTO_TEST_CASE(presets_list_names_in_order_the_first_as_default) {
  BOOST_TEST(presets_json({"warm", "adaptive"}, 7.5) ==
             R"({"presets":["warm","adaptive"],"default_preset":"warm","chunk_seconds":7.5})");
  BOOST_TEST(presets_json({}, 15) == R"({"presets":[],"default_preset":"","chunk_seconds":15})");
}
