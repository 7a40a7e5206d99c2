#define BOOST_TEST_MODULE load_report
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <simdjson.h>

#include "load/load_report.hpp"

using namespace auralis::load;

namespace {

load_figures sample_figures() {
  load_metrics m;
  m.session_delta(+1);
  m.session_delta(+1);
  m.session_delta(-1);
  for (int i = 1; i <= 100; ++i)
    m.record(request_kind::fetch_wav, i <= 90 ? cache_tier::l1 : cache_tier::miss,
             request_outcome::ok, 200, i, 1000);
  m.record(request_kind::switch_, cache_tier::l2, request_outcome::ok, 200, 120, 500);
  m.record(request_kind::position, cache_tier::none, request_outcome::ok, 202, 2, 10);
  m.record(request_kind::fetch_opus, cache_tier::none, request_outcome::retry_after_503, 503, 5, 0);
  m.record(request_kind::position, cache_tier::none, request_outcome::http_error, 404, 1, 0);
  m.record(request_kind::seek, cache_tier::none, request_outcome::transport_error, 0, 10000, 0, "timeout");
  m.add_underruns(2, 0.5);
  m.record_attack("bad_json", 400);
  m.record_attack("unknown_route", 404);
  m.record_attack("bad_query", 500);
  m.server_sample({{"l1.size_mb", 10}, {"overall.overall_hit_rate", 0.5}, {"overall.total_size_mb", 20}});
  m.server_sample({{"l1.size_mb", 5}, {"overall.overall_hit_rate", 0.75}, {"overall.total_size_mb", 15}});
  m.process_sample(100, 4, 30);
  m.process_sample(120, 5, 28);
  m.set_measured_s(10);
  return m.figures();
}

} // namespace

BOOST_AUTO_TEST_CASE(figures_become_threshold_metrics) {
  const auto f = sample_figures();
  const auto m = f.metrics();
  BOOST_TEST(m.at("fetch_wav_count") == 100.0);
  BOOST_TEST(m.at("fetch_count") == 103.0); // 100 wav + switch + opus + seek
  BOOST_TEST(std::fabs(m.at("fetch_wav_ms_p50") - 50) <= 0.5);
  BOOST_TEST(m.at("fetch_wav_ms_max") == 100.0);
  BOOST_TEST(m.at("switch_ms_p95") == 120.0);
  BOOST_TEST(m.at("errors") == 3.0);
  BOOST_TEST(m.at("http_errors") == 2.0);
  BOOST_TEST(m.at("errors_503") == 1.0);
  BOOST_TEST(m.at("transport_errors") == 1.0);
  BOOST_TEST(m.at("underruns") == 2.0);
  BOOST_TEST(m.at("stall_ms") == 500.0);
  BOOST_TEST(std::fabs(m.at("hit_rate") - 91.0 / 101.0) < 1e-12);
  BOOST_TEST(std::fabs(m.at("l1_hit_rate") - 90.0 / 101.0) < 1e-12);
  BOOST_TEST(m.at("rss_mb") == 120.0);
  BOOST_TEST(m.at("rss_mb_final") == 120.0);
  BOOST_TEST(m.at("fds") == 30.0);
  BOOST_TEST(m.at("fds_final") == 28.0);
  BOOST_TEST(m.at("server_hit_rate") == 0.75);
  BOOST_TEST(m.at("server_size_mb") == 20.0);
  BOOST_TEST(m.at("attacks") == 3.0);
  BOOST_TEST(m.at("attack_unexpected") == 1.0);
  BOOST_TEST(m.at("requests") == 105.0);
  BOOST_TEST(m.at("req_per_s") == 10.5);
  BOOST_TEST(m.at("sessions_peak") == 2.0);
  BOOST_TEST(m.count("seek_ms_p95") == 0u); // no ok seek: not measured
  for (const auto& [k, v] : m)
    BOOST_TEST(threshold::known_metric(k), k);
}

BOOST_AUTO_TEST_CASE(the_report_holds_every_figure_and_the_verdict) {
  const auto f = sample_figures();
  std::vector<threshold> t{threshold::parse("errors == 0"), threshold::parse("hit_rate >= 0.8"),
                           threshold::parse("seek_ms_p95 < 100")};
  const auto results = load_report::evaluate(t, f.metrics());
  BOOST_REQUIRE(results.size() == 3u);
  BOOST_TEST((results[0].outcome == threshold_outcome::breached));
  BOOST_TEST((results[1].outcome == threshold_outcome::held));
  BOOST_TEST((results[2].outcome == threshold_outcome::not_measured));
  run_info info;
  info.plan.name = "unit";
  info.url = "http://127.0.0.1:1";
  info.elapsed_s = 11;
  info.server_pid = 4242;
  load_report report(info, f, results);
  BOOST_TEST(!report.passed());

  simdjson::dom::parser parser;
  const auto json = report.to_json();
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  BOOST_REQUIRE_MESSAGE(parser.parse(padded).get(root) == simdjson::SUCCESS, json);
  BOOST_TEST(std::string(root["scenario"]["name"].get_string().value()) == "unit");
  BOOST_TEST(root["server_pid"].get_int64().value() == 4242);
  BOOST_TEST(root["kinds"]["fetch_wav"]["count"].get_uint64().value() == 100u);
  BOOST_TEST(root["kinds"]["fetch_wav"]["tiers"]["L1"]["count"].get_uint64().value() == 90u);
  BOOST_TEST(root["kinds"]["fetch_wav"]["tiers"]["MISS"]["max"].get_double().value() == 100.0);
  BOOST_TEST(root["kinds"]["switch"]["latency_ms"]["p99"].get_double().value() == 120.0);
  BOOST_TEST(root["hits"]["L1"].get_uint64().value() == 90u);
  BOOST_TEST(root["hits"]["L2"].get_uint64().value() == 1u);
  BOOST_TEST(root["playback"]["underruns"].get_uint64().value() == 2u);
  BOOST_TEST(root["errors"]["by_status"]["503"].get_uint64().value() == 1u);
  BOOST_TEST(root["errors"]["retry_after_503"].get_uint64().value() == 1u);
  BOOST_TEST(root["errors"]["transport"]["timeout"].get_uint64().value() == 1u);
  BOOST_TEST(root["attacks"]["unexpected"].get_uint64().value() == 1u);
  BOOST_TEST(root["attacks"]["by_status"]["400"].get_uint64().value() == 1u);
  BOOST_TEST(root["server"]["stats"]["l1.size_mb"]["peak"].get_double().value() == 10.0);
  BOOST_TEST(root["server"]["stats"]["l1.size_mb"]["final"].get_double().value() == 5.0);
  BOOST_TEST(root["server"]["process"]["rss_mb"]["peak"].get_double().value() == 120.0);
  BOOST_TEST(root["metrics"]["errors"].get_double().value() == 3.0);
  BOOST_TEST(std::string(root["thresholds"].at(2)["outcome"].get_string().value()) == "not measured");
  BOOST_TEST(root["thresholds"].at(2)["value"].is_null());
  BOOST_TEST(root["passed"].get_bool().value() == false);

  const auto table = report.to_table();
  for (const char* s : {"fetch_wav", "L1", "MISS", "threshold errors == 0: breached (3)",
                        "threshold hit_rate >= 0.8: held", "RSS peak 120.0 MB", "FAILED",
                        "HTTP 503 x1", "timeout x1", "2 underruns"})
    BOOST_TEST(table.find(s) != std::string::npos, s << " in\n" << table);
}

BOOST_AUTO_TEST_CASE(a_window_restarts_for_each_capacity_step) {
  load_metrics m;
  m.session_delta(+2);
  m.record(request_kind::position, cache_tier::none, request_outcome::http_error, 500, 1, 0);
  const auto w1 = m.take_window(5);
  BOOST_TEST(w1.errors() == 1u);
  BOOST_TEST(w1.measured_s == 5.0);
  m.record(request_kind::position, cache_tier::none, request_outcome::ok, 202, 1, 0);
  const auto w2 = m.take_window(5);
  BOOST_TEST(w2.errors() == 0u);
  BOOST_TEST(w2.requests() == 1u);
  BOOST_TEST(w2.sessions_peak == 2);
  BOOST_TEST(m.figures().requests() == 2u);
}

BOOST_AUTO_TEST_CASE(errors_in_the_warm_up_count_against_the_errors_threshold) {
  load_metrics m;
  m.record(request_kind::fetch_wav, cache_tier::l1, request_outcome::ok, 200, 10, 100);
  m.record_warmup_error();
  m.record_warmup_error();
  m.set_measured_s(1);
  const auto f = m.figures();
  BOOST_TEST(f.errors() == 0u); // the measured window had none
  BOOST_TEST(f.warmup_errors == 2u);
  const auto metrics = f.metrics();
  BOOST_TEST(metrics.at("errors") == 2.0);
  BOOST_TEST(metrics.at("warmup_errors") == 2.0);
  const auto results = load_report::evaluate({threshold::parse("errors == 0")}, metrics);
  BOOST_TEST((results.at(0).outcome == threshold_outcome::breached));
  run_info info;
  info.plan.name = "unit";
  const std::string table = load_report(info, f, results).to_table();
  BOOST_TEST(table.find("2 more during the warm-up") != std::string::npos, table);
}
