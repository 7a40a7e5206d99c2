#include "console/console_snapshot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <simdjson.h>

#include "config/json_writer.hpp"

namespace auralis::console {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// The object `json` parses to (valid while `parser` lives); throws snapshot_error otherwise.
element parse_object(simdjson::dom::parser& parser, std::string_view json, const char* what) {
  element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root.type() != element_type::OBJECT)
    throw snapshot_error(std::string(what) + ": the answer is not a JSON object");
  return root;
}

/// Field `key` of `e` when `e` is an object that has it.
bool field(element e, const char* key, element& out) {
  if (e.type() != element_type::OBJECT)
    return false;
  return e[key].get(out) == simdjson::SUCCESS;
}

/// A number field; 0 when missing, null or not a number.
double number(element e, const char* key) {
  element v;
  if (!field(e, key, v))
    return 0;
  switch (v.type()) {
    case element_type::INT64: return static_cast<double>(v.get_int64().value_unsafe());
    case element_type::UINT64: return static_cast<double>(v.get_uint64().value_unsafe());
    case element_type::DOUBLE: return v.get_double().value_unsafe();
    case element_type::BOOL: return v.get_bool().value_unsafe() ? 1 : 0;
    default: return 0;
  }
}

/// A count field; 0 when missing or negative.
std::uint64_t count(element e, const char* key) {
  const double d = number(e, key);
  if (!(d > 0) || !std::isfinite(d))
    return 0;
  return static_cast<std::uint64_t>(std::llround(d));
}

/// A string field; "" when missing or not a string.
std::string text(element e, const char* key) {
  element v;
  std::string_view s;
  if (!field(e, key, v) || v.get(s) != simdjson::SUCCESS)
    return {};
  return std::string(s);
}

/// The elements of array field `key` (none when missing).
std::vector<element> items(element e, const char* key) {
  std::vector<element> out;
  element v;
  simdjson::dom::array arr;
  if (!field(e, key, v) || v.get(arr) != simdjson::SUCCESS)
    return out;
  for (element item : arr)
    out.push_back(item);
  return out;
}

const char* const tier_keys[3] = {"l1", "l2", "l3"};

void read_queued(element queued, pool_figures& pool) {
  for (std::size_t i = 0; i < pool.queued.size(); ++i)
    pool.queued[i] = count(queued, pool_figures::priority_names[i]);
}

std::string number_text(double d) {
  if (!std::isfinite(d))
    return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", d);
  return buf;
}

} // namespace

void console_snapshot::apply_stats(std::string_view json) {
  simdjson::dom::parser parser;
  const element root = parse_object(parser, json, "GET /api/cache/stats");
  for (std::size_t i = 0; i < 3; ++i) {
    element t;
    if (!field(root, tier_keys[i], t))
      continue;
    tier_figures& f = tiers[i];
    f.bytes = static_cast<std::uint64_t>(std::llround(std::max(0.0, number(t, "size_mb")) * 1e6));
    f.budget_bytes =
      static_cast<std::uint64_t>(std::llround(std::max(0.0, number(t, "budget_mb")) * 1e6));
    f.entries = count(t, "count");
    f.hits = count(t, "hits");
    f.misses = count(t, "misses");
    f.evictions = count(t, "evictions");
  }
  element overall;
  if (field(root, "overall", overall))
    hit_rate = number(overall, "overall_hit_rate");
  element prediction;
  if (field(root, "prediction", prediction)) {
    sessions = count(prediction, "sessions");
    accuracy = number(prediction, "accuracy");
    stats_session_id = text(prediction, "session_id");
    element known;
    bool is_known = false;
    if (field(prediction, "session_known", known) && known.get(is_known) != simdjson::SUCCESS)
      is_known = false;
    stats_mode = is_known ? text(prediction, "mode") : std::string();
  }
  element engine;
  if (field(root, "engine", engine)) {
    rss_bytes =
      static_cast<std::uint64_t>(std::llround(std::max(0.0, number(engine, "rss_mb")) * 1e6));
    element pool_e;
    if (field(engine, "pool", pool_e)) {
      pool.worker_count = count(pool_e, "workers");
      pool.in_flight = count(pool_e, "busy");
      element queued;
      if (field(pool_e, "queued", queued))
        read_queued(queued, pool);
    }
  }
}

void console_snapshot::apply_actors(std::string_view json) {
  simdjson::dom::parser parser;
  const element root = parse_object(parser, json, "GET /api/actors");
  has_actors = true;
  uptime_s = number(root, "uptime_s");
  element system;
  element measured;
  bool is_measured = true;
  if (field(root, "system", system) && field(system, "actors_measured", measured) &&
      measured.get(is_measured) != simdjson::SUCCESS)
    is_measured = true;
  actors_measured = is_measured;
  element process;
  if (field(root, "process", process)) {
    rss_bytes = count(process, "rss_bytes");
    cpu_share = number(process, "cpu_share");
    threads = count(process, "threads");
  }
  actors.clear();
  for (element a : items(root, "actors")) {
    actor_figures f;
    f.name = text(a, "name");
    f.kind = text(a, "kind");
    f.id = count(a, "id");
    f.messages = count(a, "messages");
    f.mailbox = count(a, "mailbox");
    f.mailbox_max = count(a, "mailbox_max");
    f.busy_share = number(a, "busy_share");
    element processing;
    if (field(a, "processing_time_ms", processing))
      f.processing_p99_ms = number(processing, "p99");
    f.errors = count(a, "errors");
    element last;
    if (field(a, "last_error", last) && last.type() == element_type::OBJECT) {
      f.last_error = text(last, "text");
      if (f.last_error.empty())
        f.last_error = "error";
      f.errors = std::max<std::uint64_t>(f.errors, 1);
    }
    f.restarts = count(a, "restarts");
    actors.push_back(std::move(f));
  }
  element pool_e;
  if (field(root, "pool", pool_e)) {
    pool_detail = true;
    element queued;
    if (field(pool_e, "queued", queued))
      read_queued(queued, pool);
    pool.in_flight = count(pool_e, "in_flight");
    pool.completed = count(pool_e, "completed");
    pool.failed = count(pool_e, "failed");
    pool.timed_out = count(pool_e, "timed_out");
    pool.workers.clear();
    for (element w : items(pool_e, "workers")) {
      worker_figures f;
      f.name = text(w, "name");
      f.busy_share = number(w, "busy_share");
      f.jobs = count(w, "jobs");
      f.host = text(w, "host");
      f.gone = number(w, "gone") != 0;
      element rt;
      if (field(w, "round_trip_ms", rt) && rt.is_number())
        f.round_trip_ms = number(w, "round_trip_ms");
      pool.workers.push_back(std::move(f));
    }
    if (!pool.workers.empty())
      pool.worker_count = pool.workers.size();
  }
  element tiers_e;
  if (field(root, "tiers", tiers_e)) {
    for (std::size_t i = 0; i < 3; ++i) {
      element t;
      if (!field(tiers_e, tier_keys[i], t))
        continue;
      tiers[i] = {count(t, "bytes"), count(t, "budget_bytes"), count(t, "entries"),
                  count(t, "hits"), count(t, "misses"), count(t, "evictions")};
    }
  }
  element predictor;
  if (field(root, "predictor", predictor)) {
    accuracy = number(predictor, "accuracy");
    session_list.clear();
    for (element s : items(predictor, "sessions"))
      session_list.push_back(
        {text(s, "session_id"), text(s, "mode"), number(s, "accuracy"), count(s, "switches")});
    sessions = std::max<std::uint64_t>(sessions, session_list.size());
  }
}

void console_snapshot::apply_predictions(std::string_view json) {
  simdjson::dom::parser parser;
  const element root = parse_object(parser, json, "GET /api/cache/predictions");
  predictions_session = text(root, "session_id");
  current_preset = text(root, "current_preset");
  predictions.clear();
  for (element p : items(root, "predictions"))
    predictions.push_back({text(p, "preset"), number(p, "probability")});
}

std::string console_snapshot::latest_session() const {
  for (auto it = session_list.rbegin(); it != session_list.rend(); ++it)
    if (!it->session_id.empty())
      return it->session_id;
  if (!stats_mode.empty())
    return stats_session_id;
  return {};
}

std::vector<std::string> console_snapshot::modes() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& m) {
    if (!m.empty() && std::find(out.begin(), out.end(), m) == out.end())
      out.push_back(m);
  };
  for (const auto& s : session_list)
    add(s.mode);
  if (session_list.empty())
    add(stats_mode);
  return out;
}

std::string console_snapshot::to_json(const std::string& url) const {
  std::ostringstream os;
  os << "{\"url\":" << config::json_quote(url) << ",\"uptime_s\":" << number_text(uptime_s)
     << ",\"rss_bytes\":" << rss_bytes << ",\"cpu_share\":" << number_text(cpu_share)
     << ",\"sessions\":" << sessions << ",\"hit_rate\":" << number_text(hit_rate)
     << ",\"modes\":[";
  const auto m = modes();
  for (std::size_t i = 0; i < m.size(); ++i)
    os << (i ? "," : "") << config::json_quote(m[i]);
  os << "],\"actors_served\":" << (has_actors ? "true" : "false") << ",\"actors\":[";
  for (std::size_t i = 0; i < actors.size(); ++i) {
    const auto& a = actors[i];
    os << (i ? "," : "") << "{\"name\":" << config::json_quote(a.name) << ",\"kind\":"
       << config::json_quote(a.kind) << ",\"mailbox\":" << a.mailbox << ",\"messages\":" << a.messages
       << ",\"busy_share\":" << number_text(a.busy_share)
       << ",\"processing_p99_ms\":" << number_text(a.processing_p99_ms)
       << ",\"errors\":" << a.errors << "}";
  }
  os << "],\"tiers\":{";
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& t = tiers[i];
    os << (i ? "," : "") << "\"" << tier_keys[i] << "\":{\"bytes\":" << t.bytes
       << ",\"budget_bytes\":" << t.budget_bytes << ",\"entries\":" << t.entries
       << ",\"hits\":" << t.hits << ",\"misses\":" << t.misses
       << ",\"evictions\":" << t.evictions << "}";
  }
  os << "},\"pool\":{\"queued\":{";
  for (std::size_t i = 0; i < pool.queued.size(); ++i)
    os << (i ? "," : "") << "\"" << pool_figures::priority_names[i] << "\":" << pool.queued[i];
  os << "},\"workers\":" << pool.worker_count << ",\"in_flight\":" << pool.in_flight;
  if (pool_detail) {
    os << ",\"completed\":" << pool.completed << ",\"failed\":" << pool.failed
       << ",\"timed_out\":" << pool.timed_out << ",\"worker_busy\":[";
    for (std::size_t i = 0; i < pool.workers.size(); ++i)
      os << (i ? "," : "") << "{\"name\":" << config::json_quote(pool.workers[i].name)
         << ",\"busy_share\":" << number_text(pool.workers[i].busy_share) << "}";
    os << "]";
  }
  os << "},\"predictions\":{\"session_id\":" << config::json_quote(predictions_session)
     << ",\"current_preset\":" << config::json_quote(current_preset) << ",\"next\":[";
  for (std::size_t i = 0; i < predictions.size(); ++i)
    os << (i ? "," : "") << "{\"preset\":" << config::json_quote(predictions[i].preset)
       << ",\"probability\":" << number_text(predictions[i].probability) << "}";
  os << "]}}";
  return os.str();
}

std::vector<host_figures> remote_hosts(const std::vector<worker_figures>& workers) {
  std::vector<host_figures> hosts;
  // Per host: the sum of round trip x jobs, and the jobs, over threads whose round trip
  // is known.
  std::vector<std::pair<double, double>> timed;
  for (const auto& w : workers) {
    if (w.host.empty() || w.gone)
      continue;
    auto it = std::find_if(hosts.begin(), hosts.end(),
                           [&](const host_figures& h) { return h.host == w.host; });
    if (it == hosts.end()) {
      hosts.emplace_back();
      hosts.back().host = w.host;
      timed.emplace_back(0.0, 0.0);
      it = hosts.end() - 1;
    }
    ++it->threads;
    it->jobs += w.jobs;
    it->busy_share += w.busy_share;
    if (w.round_trip_ms >= 0 && w.jobs > 0) {
      auto& [weighted, jobs] = timed[static_cast<std::size_t>(it - hosts.begin())];
      weighted += w.round_trip_ms * static_cast<double>(w.jobs);
      jobs += static_cast<double>(w.jobs);
    }
  }
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    hosts[i].busy_share /= static_cast<double>(hosts[i].threads);
    if (timed[i].second > 0)
      hosts[i].round_trip_ms = timed[i].first / timed[i].second;
  }
  return hosts;
}

} // namespace auralis::console
