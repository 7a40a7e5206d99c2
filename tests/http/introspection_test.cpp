#define BOOST_TEST_MODULE introspection
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <simdjson.h>

#include "app/engine.hpp"
#include "codec/audio_file_writer.hpp"
#include "config/config_loader.hpp"
#include "http/introspection.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

using namespace auralis;
using auralis::test::http_get;

namespace {

/// Checks `text` against the Prometheus text format 0.0.4 and returns its samples
/// ("name{labels}" -> value). Fails the test on: a sample before its family's HELP and
/// TYPE, a family described twice, an invalid metric or label name, a malformed label
/// value or number, a counter not named *_total, histogram buckets that are not
/// cumulative or whose +Inf bucket differs from _count.
std::map<std::string, double> parse_prometheus(const std::string& text) {
  static const std::regex help_re(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+)");
  static const std::regex type_re(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram))");
  static const std::regex sample_re(
    R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([-+]?(?:[0-9.]+(?:e[-+]?[0-9]+)?|Inf|NaN)))");
  static const std::regex label_re(R"(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)\"(,|$))");
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::map<std::string, double> samples;
  // Per histogram series (name and labels without le): the last bucket count, and +Inf's.
  std::map<std::string, double> last_bucket, inf_bucket, counts;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::smatch m;
    if (line.rfind("# HELP ", 0) == 0) {
      BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, help_re), "line " << n << ": " << line);
      BOOST_TEST(helped.insert(m[1]).second, "HELP twice: " << line);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, type_re), "line " << n << ": " << line);
      BOOST_TEST(helped.count(m[1]) == 1u, "TYPE before HELP: " << line);
      BOOST_TEST(types.emplace(m[1], m[2]).second, "TYPE twice: " << line);
      if (m[2] == "counter")
        BOOST_TEST(std::string(m[1]).size() > 6, line);
      if (m[2] == "counter")
        BOOST_TEST(std::string(m[1]).substr(std::string(m[1]).size() - 6) == "_total", line);
      continue;
    }
    BOOST_REQUIRE_MESSAGE(std::regex_match(line, m, sample_re), "line " << n << ": " << line);
    const std::string name = m[1];
    std::string labels = m[3];
    std::string le;
    std::string rest = labels;
    std::string series_labels;
    while (!rest.empty()) {
      std::smatch l;
      BOOST_REQUIRE_MESSAGE(std::regex_search(rest, l, label_re) && l.position(0) == 0,
                            "bad labels, line " << n << ": " << line);
      if (l[1] == "le")
        le = l[2];
      else
        series_labels += std::string(l[1]) + "=" + std::string(l[2]) + ";";
      rest = l.suffix();
    }
    const double value = m[4] == "+Inf" ? 1e308 : std::stod(m[4]);
    std::string family = name;
    if (!types.count(family))
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0 &&
            types.count(name.substr(0, name.size() - s.size())))
          family = name.substr(0, name.size() - s.size());
      }
    BOOST_REQUIRE_MESSAGE(types.count(family), "sample without TYPE, line " << n << ": " << line);
    if (types[family] == "histogram") {
      BOOST_REQUIRE_MESSAGE(family != name, "histogram sample without suffix: " << line);
      const auto series = family + "{" + series_labels + "}";
      if (name == family + "_bucket") {
        BOOST_REQUIRE_MESSAGE(!le.empty(), "bucket without le: " << line);
        BOOST_TEST(value >= last_bucket[series], "buckets not cumulative: " << line);
        last_bucket[series] = value;
        if (le == "+Inf")
          inf_bucket[series] = value;
      } else if (name == family + "_count") {
        counts[series] = value;
      }
    }
    BOOST_TEST(samples.emplace(name + (labels.empty() ? "" : "{" + labels + "}"), value).second,
               "sample twice: " << line);
  }
  for (const auto& [series, c] : counts) {
    BOOST_TEST(inf_bucket.count(series) == 1u, series);
    BOOST_TEST(inf_bucket[series] == c, series);
  }
  return samples;
}

http::introspection_report sample_report() {
  http::introspection_report r;
  r.uptime_s = 12.5;
  r.cpu_seconds = 3.25;
  r.threads = 9;
  actors::probe_registry reg;
  auto p = reg.make("tier-l1", "tier");
  int a = 0;
  const auto t = actors::actor_probe::clock::now();
  p->enqueued(&a, t);
  p->begin(&a, 1, t, [] { return std::string("get"); });
  p->end(t + std::chrono::milliseconds(2));
  p->error("a \"quoted\" \\ error\nwith a second line");
  reg.make("worker-0", "worker");
  r.actors = reg.figures();
  r.actors_measured = true;
  actors::pool_report pool;
  pool.workers = 1;
  pool.queued = {1, 0, 2, 0, 0};
  pool.completed = 4;
  pool.job_time_by_kind.resize(3);
  pool.job_time_by_kind[2].add(80);
  pool.worker_jobs = {4};
  pool.worker_listener_only = {0};
  r.engine.pool = pool;
  r.tiers.l1.bytes = 2880000;
  r.tiers.l1.budget = 18000000;
  r.tiers.l1.hits = 3;
  r.tiers.l3.hits = 1;
  r.planner.promotions = 2;
  r.planner.renders_stored = 5;
  r.planner.renders_wasted = 1;
  http::route_figures route;
  route.route = "GET /api/library/tracks/:id";
  route.status = 404;
  route.latency.add(0.7);
  route.latency.add(1.2);
  r.http.push_back(route);
  r.http_requests = 2;
  r.hub.clients = 1;
  return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(metrics_follow_the_prometheus_text_format) {
  const auto samples = parse_prometheus(http::metrics_text(sample_report()));
  BOOST_TEST(samples.at("auralis_uptime_seconds") == 12.5);
  BOOST_TEST(samples.at("auralis_process_cpu_seconds_total") == 3.25);
  BOOST_TEST(samples.at("auralis_actors_running") == 2);
  BOOST_TEST(samples.at("auralis_actor_messages_total{actor=\"tier-l1\",message=\"get\"}") == 1);
  BOOST_TEST(samples.at("auralis_actor_errors_total{actor=\"tier-l1\"}") == 1);
  BOOST_TEST(samples.at("auralis_actor_processing_seconds_count{actor=\"tier-l1\"}") == 1);
  BOOST_TEST(samples.at("auralis_actor_processing_seconds_bucket{actor=\"tier-l1\",le=\"0.0025\"}") == 1);
  BOOST_TEST(samples.at("auralis_actor_processing_seconds_bucket{actor=\"tier-l1\",le=\"0.001\"}") == 0);
  BOOST_TEST(samples.at("auralis_pool_queued_jobs{priority=\"immediate\"}") == 1);
  BOOST_TEST(samples.at("auralis_pool_queued_jobs{priority=\"l2\"}") == 2);
  BOOST_TEST(samples.at("auralis_pool_job_seconds_count{kind=\"render\"}") == 1);
  BOOST_TEST(samples.at("auralis_pool_job_seconds_sum{kind=\"render\"}") == 0.08);
  BOOST_TEST(samples.at("auralis_tier_bytes{tier=\"l1\"}") == 2880000);
  BOOST_TEST(samples.at("auralis_tier_promotions_total{tier=\"l3\"}") == 3);
  BOOST_TEST(samples.at("auralis_planner_renders_wasted_total") == 1);
  BOOST_TEST(samples.at(
               "auralis_http_requests_total{route=\"GET /api/library/tracks/:id\",status=\"404\"}") ==
             2);
  BOOST_TEST(samples.at("auralis_http_request_seconds_count{route=\"GET "
                        "/api/library/tracks/:id\",status=\"404\"}") == 2);
  BOOST_TEST(samples.at("auralis_websocket_clients") == 1);
}

BOOST_AUTO_TEST_CASE(actors_json_has_every_section) {
  const auto text = http::actors_json(sample_report());
  simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element d;
  BOOST_REQUIRE(parser.parse(padded).get(d) == simdjson::SUCCESS);
  BOOST_TEST(d["uptime_s"].get_double().value() == 12.5);
  BOOST_TEST(d["system"]["running_actors"].get_uint64().value() == 2u);
  auto l1 = d["actors"].at(0);
  BOOST_TEST(std::string(l1["name"].get_string().value()) == "tier-l1");
  BOOST_TEST(l1["by_kind"]["get"].get_uint64().value() == 1u);
  BOOST_TEST(l1["processing_time_ms"]["count"].get_uint64().value() == 1u);
  BOOST_TEST(std::string(l1["last_error"]["text"].get_string().value()) ==
             "a \"quoted\" \\ error\nwith a second line");
  BOOST_TEST(d["actors"].at(1)["last_error"].is_null());
  BOOST_TEST(d["pool"]["queued"]["l2"].get_uint64().value() == 2u);
  BOOST_TEST(d["pool"]["workers"].at(0)["jobs"].get_uint64().value() == 4u);
  BOOST_TEST(d["pool"]["job_time_ms"]["render"]["count"].get_uint64().value() == 1u);
  BOOST_TEST(d["tiers"]["l1"]["budget_bytes"].get_uint64().value() == 18000000u);
  BOOST_TEST(d["tiers"]["l3"]["promotions"].get_uint64().value() == 3u);
  BOOST_TEST(d["planner"]["renders_wasted"].get_uint64().value() == 1u);
  BOOST_TEST(d["http"]["routes"].at(0)["count"].get_uint64().value() == 2u);
  BOOST_TEST(d["websocket"]["clients"].get_uint64().value() == 1u);
}

BOOST_AUTO_TEST_CASE(the_figures_move_with_the_traffic) {
  test::scratch_dir dir("introspection");
  std::filesystem::create_directories(dir.file("lib"));
  codec::write_audio_file(dir.file("lib/t.wav"), test::music_like(3 * 48000, 48000, 1), 2,
                          48000, codec::file_format::wav_pcm16);
  auto cfg = config::config_loader::load_embedded();
  cfg.server.port = 0;
  cfg.paths.data_dir = dir.file("var");
  cfg.paths.library_dir = dir.file("lib");
  cfg.chunk_seconds = 2;
  cfg.worker_count = 2;
  cfg.tiers.overhead_mb = 0;
  http::engine eng(cfg);
  const auto port = eng.port();

  auto actors_doc = [port](simdjson::dom::parser& parser, simdjson::padded_string& text) {
    const auto a = http_get(port, "/api/actors");
    BOOST_REQUIRE(a.status == 200);
    text = simdjson::padded_string(a.body);
    simdjson::dom::element d;
    BOOST_REQUIRE(parser.parse(text).get(d) == simdjson::SUCCESS);
    return d;
  };
  auto actor = [](simdjson::dom::element d, const std::string& name) {
    for (auto a : d["actors"].get_array())
      if (std::string(a["name"].get_string().value()) == name)
        return a;
    BOOST_FAIL("no actor " + name);
    return simdjson::dom::element{};
  };
  auto kind = [](simdjson::dom::element a, const char* k) -> std::uint64_t {
    std::uint64_t n = 0;
    return a["by_kind"][k].get(n) == simdjson::SUCCESS ? n : 0;
  };
  auto route_count = [](simdjson::dom::element d, const std::string& route, int status) {
    for (auto r : d["http"]["routes"].get_array())
      if (std::string(r["route"].get_string().value()) == route &&
          r["status"].get_int64().value() == status)
        return r["count"].get_uint64().value();
    return std::uint64_t{0};
  };

  simdjson::dom::parser p0, p1;
  simdjson::padded_string t0, t1;
  const auto before = actors_doc(p0, t0);
  std::set<std::string> names;
  for (auto a : before["actors"].get_array())
    names.insert(std::string(a["name"].get_string().value()));
  for (const char* n : {"event-hub", "worker-pool", "library", "worker-0", "worker-1", "tier-l1",
                        "tier-l2", "tier-l3", "demotion", "predictor", "planner", "http-gateway"})
    BOOST_TEST(names.count(n) == 1u, n);
  BOOST_TEST(before["system"]["running_actors"].get_uint64().value() == 12u);
  const auto calls0 = kind(actor(before, "http-gateway"), "http_call");
  const auto lists0 = kind(actor(before, "library"), "list");
  BOOST_TEST(calls0 >= 1u);

  for (int i = 0; i < 5; ++i)
    BOOST_TEST(http_get(port, "/api/library/tracks").status == 200);
  for (int i = 0; i < 2; ++i)
    BOOST_TEST(http_get(port, "/api/nothing").status == 404);

  const auto after = actors_doc(p1, t1);
  // Five track lists and this /api/actors reached the gateway; the 404s never did.
  BOOST_TEST(kind(actor(after, "http-gateway"), "http_call") == calls0 + 6);
  BOOST_TEST(kind(actor(after, "library"), "list") == lists0 + 5);
  BOOST_TEST(route_count(after, "GET /api/library/tracks", 200) ==
             route_count(before, "GET /api/library/tracks", 200) + 5);
  BOOST_TEST(route_count(after, "unrouted", 404) == 2u);
  BOOST_TEST(route_count(after, "GET /api/actors", 200) == 1u);
  // Every message an idle actor handled was timed, in the mailbox and in its handler.
  const auto l1 = actor(after, "tier-l1");
  BOOST_TEST(l1["processing_time_ms"]["count"].get_uint64().value() ==
             l1["messages"].get_uint64().value());
  BOOST_TEST(l1["mailbox_time_ms"]["count"].get_uint64().value() ==
             l1["messages"].get_uint64().value());
  BOOST_TEST(l1["mailbox"].get_uint64().value() == 0u);

  const auto metrics = http_get(port, "/metrics");
  BOOST_TEST(metrics.status == 200);
  BOOST_TEST(metrics.headers.at("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  const auto samples = parse_prometheus(metrics.body);
  BOOST_TEST(samples.at("auralis_http_requests_total{route=\"unrouted\",status=\"404\"}") == 2);
  BOOST_TEST(samples.at("auralis_http_request_seconds_count{route=\"unrouted\",status=\"404\"}") == 2);
  BOOST_TEST(samples.at("auralis_http_requests_total{route=\"GET /api/actors\",status=\"200\"}") == 2);
  BOOST_TEST(samples.at("auralis_actors_running") == 12);
}

BOOST_AUTO_TEST_CASE(unmeasured_actors_leave_the_engine_figures) {
  test::scratch_dir dir("introspection-off");
  std::filesystem::create_directories(dir.file("lib"));
  auto cfg = config::config_loader::load_embedded();
  cfg.server.port = 0;
  cfg.server.introspection = false;
  cfg.paths.data_dir = dir.file("var");
  cfg.paths.library_dir = dir.file("lib");
  cfg.tiers.overhead_mb = 0;
  http::engine eng(cfg);
  const auto a = http_get(eng.port(), "/api/actors");
  BOOST_REQUIRE(a.status == 200);
  simdjson::dom::parser parser;
  simdjson::padded_string text(a.body);
  simdjson::dom::element d;
  BOOST_REQUIRE(parser.parse(text).get(d) == simdjson::SUCCESS);
  BOOST_TEST(d["system"]["actors_measured"].get_bool().value() == false);
  BOOST_TEST(d["actors"].get_array().size() == 0u);
  BOOST_TEST(d["tiers"]["l1"]["budget_bytes"].get_uint64().value() == 18000000u);
  BOOST_TEST(d["http"]["routes"].get_array().size() == 0u);
}
