#include "load/load_report.hpp"

#include <cstdio>
#include <sstream>

#include "config/json_writer.hpp"

namespace auralis::load {

using config::json_writer;

const char* outcome_text(threshold_outcome o) {
  switch (o) {
    case threshold_outcome::held: return "held";
    case threshold_outcome::breached: return "breached";
    case threshold_outcome::not_measured: return "not measured";
  }
  return "?";
}

std::vector<threshold_result> load_report::evaluate(const std::vector<threshold>& conditions,
                                                    const std::map<std::string, double>& figures) {
  std::vector<threshold_result> out;
  for (const auto& c : conditions) {
    const auto it = figures.find(c.metric());
    std::optional<double> v;
    if (it != figures.end())
      v = it->second;
    out.push_back({c, c.evaluate(v), v});
  }
  return out;
}

load_report::load_report(run_info info, load_figures figures, std::vector<threshold_result> results)
  : info_(std::move(info)), figures_(std::move(figures)), results_(std::move(results)) {}

bool load_report::passed() const {
  for (const auto& r : results_)
    if (r.outcome != threshold_outcome::held)
      return false;
  if (info_.plan.capacity.enabled && !info_.capacity_sessions)
    return false;
  return true;
}

namespace {

void latency_object(json_writer& w, const latency_histogram& h) {
  w.begin_object();
  w.field("count", h.count());
  w.field("p50", h.percentile(50));
  w.field("p95", h.percentile(95));
  w.field("p99", h.percentile(99));
  w.field("max", h.max());
  w.field("mean", h.mean());
  w.end_object();
}

void sampled(json_writer& w, const char* key, const std::optional<sampled_value>& v) {
  w.key(key);
  if (!v) {
    w.null();
    return;
  }
  w.begin_object().field("peak", v->peak).field("final", v->last).end_object();
}

} // namespace

std::string load_report::to_json() const {
  const auto& f = figures_;
  const auto metrics = f.metrics();
  const auto& s = info_.plan;
  json_writer w;
  w.begin_object();
  w.key("scenario").begin_object();
  w.field("name", s.name).field("source", s.source).field("description", s.description);
  w.field("sessions", s.sessions).field("duration_s", s.duration_s);
  w.field("warmup_s", s.warmup_s).field("speed", s.speed);
  w.field("seed", static_cast<std::uint64_t>(s.seed));
  w.end_object();
  w.field("url", info_.url);
  w.field("elapsed_s", info_.elapsed_s);
  w.field("measured_s", f.measured_s);
  w.key("server_pid");
  if (info_.server_pid)
    w.value(*info_.server_pid);
  else
    w.null();
  w.key("sessions").begin_object();
  w.field("started", f.sessions_started).field("peak", f.sessions_peak);
  w.field("attackers", info_.attackers).end_object();
  w.key("requests").begin_object();
  w.field("total", f.requests()).field("errors", f.errors());
  w.field("per_s", f.measured_s > 0 ? static_cast<double>(f.requests()) / f.measured_s : 0.0);
  w.end_object();
  w.key("kinds").begin_object();
  for (std::size_t k = 0; k < request_kind_count; ++k) {
    const auto& kf = f.kinds[k];
    w.key(request_kind_names[k]).begin_object();
    w.field("count", kf.ok + kf.errors).field("ok", kf.ok).field("errors", kf.errors);
    w.field("bytes", kf.bytes);
    w.key("latency_ms");
    latency_object(w, kf.all);
    w.key("tiers").begin_object();
    for (std::size_t t = 0; t < cache_tier_count; ++t)
      if (kf.by_tier[t].count() > 0) {
        w.key(cache_tier_names[t]);
        latency_object(w, kf.by_tier[t]);
      }
    w.end_object();
    w.end_object();
  }
  w.end_object();
  w.key("hits").begin_object();
  for (std::size_t t = 0; t + 1 < cache_tier_count; ++t)
    w.field(cache_tier_names[t], f.fetches_from(static_cast<cache_tier>(t)));
  for (const char* k : {"hit_rate", "l1_hit_rate", "l2_hit_rate", "l3_hit_rate", "miss_rate"}) {
    w.key(k);
    if (auto it = metrics.find(k); it != metrics.end())
      w.value(it->second);
    else
      w.null();
  }
  w.end_object();
  w.key("playback").begin_object();
  w.field("underruns", f.underruns).field("stall_ms", f.stall_s * 1e3).end_object();
  w.key("errors").begin_object();
  w.field("total", f.errors());
  w.field("warmup", f.warmup_errors);
  w.key("by_status").begin_object();
  for (const auto& [status, n] : f.http_errors)
    w.field(std::to_string(status), n);
  w.end_object();
  w.field("retry_after_503", f.retry_after_503);
  w.key("transport").begin_object();
  for (const auto& [what, n] : f.transport_errors)
    w.field(what, n);
  w.end_object();
  w.end_object();
  w.key("attacks").begin_object();
  w.field("total", f.kinds[static_cast<std::size_t>(request_kind::attack)].ok);
  w.field("unexpected", f.attack_unexpected);
  w.key("by_type").begin_object();
  for (const auto& [type, n] : f.attacks)
    w.field(type, n);
  w.end_object();
  w.key("by_status").begin_object();
  for (const auto& [status, n] : f.attack_status)
    w.field(std::to_string(status), n);
  w.end_object();
  w.end_object();
  w.key("server").begin_object();
  w.field("samples", f.server_samples);
  w.key("stats").begin_object();
  for (const auto& [k, v] : f.server)
    w.key(k).begin_object().field("peak", v.peak).field("final", v.last).end_object();
  w.end_object();
  w.key("process").begin_object();
  sampled(w, "rss_mb", f.rss_mb);
  sampled(w, "rss_shmem_mb", f.rss_shmem_mb);
  sampled(w, "fds", f.fds);
  w.end_object();
  w.end_object();
  w.key("metrics").begin_object();
  for (const auto& [k, v] : metrics)
    w.field(k, v);
  w.end_object();
  w.key("thresholds").begin_array();
  for (const auto& r : results_) {
    w.begin_object().field("text", r.condition.text()).field("metric", r.condition.metric());
    w.key("value");
    if (r.value)
      w.value(*r.value);
    else
      w.null();
    w.field("outcome", outcome_text(r.outcome)).end_object();
  }
  w.end_array();
  if (s.capacity.enabled) {
    w.key("capacity").begin_object();
    w.key("steps").begin_array();
    for (const auto& st : info_.steps) {
      w.begin_object().field("sessions", st.sessions).field("held", st.held);
      w.key("breaches").begin_array();
      for (const auto& b : st.breaches)
        w.value(b);
      w.end_array();
      w.key("metrics").begin_object();
      for (const auto& [k, v] : st.metrics)
        w.field(k, v);
      w.end_object();
      w.end_object();
    }
    w.end_array();
    w.key("max_sessions_held");
    if (info_.capacity_sessions)
      w.value(*info_.capacity_sessions);
    else
      w.null();
    w.end_object();
  }
  w.field("passed", passed());
  w.end_object();
  return w.take();
}

std::string load_report::to_table() const {
  const auto& f = figures_;
  const auto metrics = f.metrics();
  std::ostringstream os;
  char line[256];
  std::snprintf(line, sizeof line, "scenario %s: %.1f s run, %.1f s measured, %llu sessions (peak %d), %s\n",
                info_.plan.name.c_str(), info_.elapsed_s, f.measured_s,
                static_cast<unsigned long long>(f.sessions_started), f.sessions_peak,
                info_.url.c_str());
  os << line;
  std::snprintf(line, sizeof line, "%-12s %-5s %8s %9s %9s %9s %9s\n", "kind", "tier", "count",
                "p50 ms", "p95 ms", "p99 ms", "max ms");
  os << line;
  auto row = [&](const std::string& kind, const char* tier, std::uint64_t count,
                 const latency_histogram& h) {
    std::snprintf(line, sizeof line, "%-12s %-5s %8llu %9.2f %9.2f %9.2f %9.2f\n", kind.c_str(),
                  tier, static_cast<unsigned long long>(count), h.percentile(50),
                  h.percentile(95), h.percentile(99), h.max());
    os << line;
  };
  for (std::size_t k = 0; k < request_kind_count; ++k) {
    const auto& kf = f.kinds[k];
    if (kf.ok + kf.errors == 0 || static_cast<request_kind>(k) == request_kind::attack)
      continue;
    row(std::string(request_kind_names[k]), "all", kf.ok + kf.errors, kf.all);
    for (std::size_t t = 0; t + 1 < cache_tier_count; ++t)
      if (kf.by_tier[t].count() > 0)
        row("", std::string(cache_tier_names[t]).c_str(), kf.by_tier[t].count(), kf.by_tier[t]);
  }
  auto metric = [&](const char* k) {
    const auto it = metrics.find(k);
    return it == metrics.end() ? std::string("-") : [&] {
      char b[32];
      std::snprintf(b, sizeof b, "%.3g", it->second);
      return std::string(b);
    }();
  };
  os << "hits: L1 " << f.fetches_from(cache_tier::l1) << ", L2 " << f.fetches_from(cache_tier::l2)
     << ", L3 " << f.fetches_from(cache_tier::l3) << ", MISS " << f.fetches_from(cache_tier::miss)
     << "; hit rate " << metric("hit_rate") << " (server " << metric("server_hit_rate") << ")\n";
  os << "playback: " << f.underruns << " underruns, " << metric("stall_ms") << " ms stalled\n";
  os << "errors: " << f.errors();
  for (const auto& [status, n] : f.http_errors)
    os << ", HTTP " << status << " x" << n;
  if (f.retry_after_503)
    os << " (" << f.retry_after_503 << " with Retry-After)";
  for (const auto& [what, n] : f.transport_errors)
    os << ", " << what << " x" << n;
  if (f.warmup_errors)
    os << "; " << f.warmup_errors << " more during the warm-up";
  os << "\n";
  if (!f.attacks.empty()) {
    os << "attacks: " << metric("attacks") << " sent, " << f.attack_unexpected
       << " not answered 4xx;";
    for (const auto& [status, n] : f.attack_status)
      os << " " << status << " x" << n;
    os << "\n";
  }
  if (f.rss_mb) {
    std::snprintf(line, sizeof line,
                  "server memory: RSS peak %.1f MB, final %.1f MB; RssShmem peak %.1f MB; fds peak %.0f, final %.0f\n",
                  f.rss_mb->peak, f.rss_mb->last, f.rss_shmem_mb ? f.rss_shmem_mb->peak : 0.0,
                  f.fds ? f.fds->peak : 0.0, f.fds ? f.fds->last : 0.0);
    os << line;
  } else {
    os << "server memory: not sampled (the server's process is not on this machine or not found)\n";
  }
  if (auto it = f.server.find("overall.total_size_mb"); it != f.server.end()) {
    std::snprintf(line, sizeof line, "server tiers: %.1f MB peak, %.1f MB final\n", it->second.peak,
                  it->second.last);
    os << line;
  }
  if (info_.plan.capacity.enabled) {
    for (const auto& st : info_.steps) {
      os << "capacity step " << st.sessions << " sessions: " << (st.held ? "held" : "breached");
      for (const auto& b : st.breaches)
        os << " [" << b << "]";
      os << "\n";
    }
    os << "capacity: "
       << (info_.capacity_sessions ? std::to_string(*info_.capacity_sessions) + " sessions held"
                                   : std::string("no step held"))
       << "\n";
  }
  for (const auto& r : results_) {
    os << "threshold " << r.condition.text() << ": " << outcome_text(r.outcome);
    if (r.value) {
      char b[64];
      std::snprintf(b, sizeof b, " (%.4g)", *r.value);
      os << b;
    }
    os << "\n";
  }
  os << (passed() ? "PASSED" : "FAILED") << "\n";
  return os.str();
}

} // namespace auralis::load
