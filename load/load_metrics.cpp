#include "load/load_metrics.hpp"

#include <algorithm>

namespace auralis::load {

namespace {

void update(std::optional<sampled_value>& s, double v) {
  if (!s)
    s = sampled_value{v, v};
  s->last = v;
  s->peak = std::max(s->peak, v);
}

void put_latency(std::map<std::string, double>& m, const std::string& prefix,
                 const latency_histogram& h) {
  if (h.count() == 0)
    return;
  m[prefix + "_ms_p50"] = h.percentile(50);
  m[prefix + "_ms_p95"] = h.percentile(95);
  m[prefix + "_ms_p99"] = h.percentile(99);
  m[prefix + "_ms_max"] = h.max();
}

} // namespace

std::uint64_t load_figures::requests() const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < request_kind_count; ++k)
    if (static_cast<request_kind>(k) != request_kind::attack)
      n += kinds[k].ok + kinds[k].errors;
  return n;
}

std::uint64_t load_figures::errors() const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < request_kind_count; ++k)
    if (static_cast<request_kind>(k) != request_kind::attack)
      n += kinds[k].errors;
  return n;
}

std::uint64_t load_figures::fetches_from(cache_tier t) const {
  std::uint64_t n = 0;
  for (std::size_t k = 0; k < request_kind_count; ++k)
    if (is_chunk_fetch(static_cast<request_kind>(k)))
      n += kinds[k].by_tier[static_cast<std::size_t>(t)].count();
  return n;
}

std::map<std::string, double> load_figures::metrics() const {
  std::map<std::string, double> m;
  latency_histogram fetch;
  std::uint64_t fetch_count = 0;
  for (std::size_t k = 0; k < request_kind_count; ++k) {
    const std::string name(request_kind_names[k]);
    m[name + "_count"] = static_cast<double>(kinds[k].ok + kinds[k].errors);
    put_latency(m, name, kinds[k].all);
    if (is_chunk_fetch(static_cast<request_kind>(k))) {
      fetch.merge(kinds[k].all);
      fetch_count += kinds[k].ok + kinds[k].errors;
    }
  }
  m["fetch_count"] = static_cast<double>(fetch_count);
  put_latency(m, "fetch", fetch);
  // A 503 or a dropped connection is an error whenever it happens: "errors" counts the
  // warm-up's too; "warmup_errors" says how many of them were.
  m["errors"] = static_cast<double>(errors() + warmup_errors);
  m["warmup_errors"] = static_cast<double>(warmup_errors);
  std::uint64_t http = 0, transport = 0;
  for (const auto& [status, n] : http_errors)
    http += n;
  for (const auto& [what, n] : transport_errors)
    transport += n;
  m["http_errors"] = static_cast<double>(http);
  m["transport_errors"] = static_cast<double>(transport);
  m["errors_503"] = static_cast<double>(retry_after_503);
  m["underruns"] = static_cast<double>(underruns);
  m["stall_ms"] = stall_s * 1e3;
  const double l1 = static_cast<double>(fetches_from(cache_tier::l1));
  const double l2 = static_cast<double>(fetches_from(cache_tier::l2));
  const double l3 = static_cast<double>(fetches_from(cache_tier::l3));
  const double miss = static_cast<double>(fetches_from(cache_tier::miss));
  const double served = l1 + l2 + l3 + miss;
  if (served > 0) {
    m["hit_rate"] = (l1 + l2 + l3) / served;
    m["l1_hit_rate"] = l1 / served;
    m["l2_hit_rate"] = l2 / served;
    m["l3_hit_rate"] = l3 / served;
    m["miss_rate"] = miss / served;
  }
  if (rss_mb) {
    m["rss_mb"] = rss_mb->peak;
    m["rss_mb_final"] = rss_mb->last;
  }
  if (rss_shmem_mb)
    m["rss_shmem_mb"] = rss_shmem_mb->peak;
  if (fds) {
    m["fds"] = fds->peak;
    m["fds_final"] = fds->last;
  }
  m["requests"] = static_cast<double>(requests());
  if (measured_s > 0)
    m["req_per_s"] = static_cast<double>(requests()) / measured_s;
  m["sessions_peak"] = sessions_peak;
  std::uint64_t attacks_n = 0;
  for (const auto& [type, n] : attacks)
    attacks_n += n;
  m["attacks"] = static_cast<double>(attacks_n);
  m["attack_unexpected"] = static_cast<double>(attack_unexpected);
  if (auto it = server.find("overall.overall_hit_rate"); it != server.end())
    m["server_hit_rate"] = it->second.last;
  if (auto it = server.find("overall.total_size_mb"); it != server.end())
    m["server_size_mb"] = it->second.peak;
  return m;
}

void load_metrics::record(request_kind kind, cache_tier tier, request_outcome outcome,
                          int status, double latency_ms, std::uint64_t bytes,
                          const std::string& transport_what) {
  std::lock_guard lock(mutex_);
  both([&](load_figures& f) {
    auto& k = f.kinds[static_cast<std::size_t>(kind)];
    switch (outcome) {
      case request_outcome::ok:
        ++k.ok;
        k.bytes += bytes;
        k.all.record(latency_ms);
        k.by_tier[static_cast<std::size_t>(tier)].record(latency_ms);
        break;
      case request_outcome::retry_after_503:
        ++k.errors;
        ++f.retry_after_503;
        ++f.http_errors[status];
        break;
      case request_outcome::http_error:
        ++k.errors;
        ++f.http_errors[status];
        break;
      case request_outcome::transport_error:
        ++k.errors;
        ++f.transport_errors[transport_what.empty() ? "failure" : transport_what];
        break;
    }
  });
}

void load_metrics::record_attack(const std::string& type, int status) {
  std::lock_guard lock(mutex_);
  both([&](load_figures& f) {
    ++f.kinds[static_cast<std::size_t>(request_kind::attack)].ok;
    ++f.attacks[type];
    ++f.attack_status[status];
    if (status < 400 || status >= 500)
      ++f.attack_unexpected;
  });
}

void load_metrics::record_warmup_error() {
  std::lock_guard lock(mutex_);
  both([](load_figures& f) { ++f.warmup_errors; });
}

void load_metrics::add_underruns(std::uint64_t n, double stall_s) {
  if (n == 0 && stall_s == 0)
    return;
  std::lock_guard lock(mutex_);
  both([&](load_figures& f) {
    f.underruns += n;
    f.stall_s += stall_s;
  });
}

void load_metrics::server_sample(const std::map<std::string, double>& values) {
  std::lock_guard lock(mutex_);
  both([&](load_figures& f) {
    ++f.server_samples;
    for (const auto& [k, v] : values) {
      auto [it, fresh] = f.server.try_emplace(k, sampled_value{v, v});
      it->second.last = v;
      it->second.peak = fresh ? v : std::max(it->second.peak, v);
    }
  });
}

void load_metrics::process_sample(double rss_mb, double rss_shmem_mb, double fds) {
  std::lock_guard lock(mutex_);
  both([&](load_figures& f) {
    update(f.rss_mb, rss_mb);
    update(f.rss_shmem_mb, rss_shmem_mb);
    update(f.fds, fds);
  });
}

void load_metrics::session_delta(int d) {
  std::lock_guard lock(mutex_);
  for (auto* f : {&all_, &window_}) {
    f->sessions_active += d;
    f->sessions_peak = std::max(f->sessions_peak, f->sessions_active);
    if (d > 0)
      f->sessions_started += static_cast<std::uint64_t>(d);
  }
}

void load_metrics::set_measured_s(double s) {
  std::lock_guard lock(mutex_);
  all_.measured_s = s;
}

load_figures load_metrics::figures() const {
  std::lock_guard lock(mutex_);
  return all_;
}

load_figures load_metrics::take_window(double window_s) {
  std::lock_guard lock(mutex_);
  load_figures w = std::move(window_);
  w.measured_s = window_s;
  window_ = load_figures{};
  window_.sessions_active = w.sessions_active;
  window_.sessions_peak = w.sessions_active;
  return w;
}

} // namespace auralis::load
