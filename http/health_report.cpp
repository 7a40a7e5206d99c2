#include "http/health_report.hpp"

#include "config/json_writer.hpp"

namespace auralis::http {

namespace {

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

} // namespace

const char* to_string(health_status s) noexcept {
  switch (s) {
    case health_status::healthy: return "healthy";
    case health_status::warning: return "warning";
    case health_status::critical: return "critical";
  }
  return "unknown";
}

health_report::health_report(const cache_figures& f) : f_(f) {
  const double memory = ratio(f.bytes_held, f.budget_bytes);
  const bool judged = f.client_fetches >= min_fetches_to_judge;
  const double overall = ratio(f.total_hits, f.client_fetches);
  const double l1 = ratio(f.l1_hits, f.client_fetches);
  if (memory > 1.0) {
    status_ = health_status::critical;
    message_ = "Cache holds more than its memory budget";
  } else if (judged && overall < 0.3) {
    status_ = health_status::critical;
    message_ = "Most fetches miss the cache";
  } else if (memory > 0.9) {
    status_ = health_status::warning;
    message_ = "Cache memory above 90% of its budget";
  } else if (judged && l1 < 0.5) {
    status_ = health_status::warning;
    message_ = "L1 hit rate below 50%";
  } else if (!judged) {
    status_ = health_status::healthy;
    message_ = f.client_fetches == 0 ? "Cache idle" : "Cache warming up";
  } else {
    status_ = health_status::healthy;
    message_ = "Cache performing optimally";
  }
}

std::string health_report::to_json() const {
  config::json_writer w;
  w.begin_object()
    .field("status", to_string(status_))
    .field("message", message_)
    .field("l1_hit_rate", ratio(f_.l1_hits, f_.client_fetches))
    .field("overall_hit_rate", ratio(f_.total_hits, f_.client_fetches))
    .field("total_memory_mb", static_cast<double>(f_.bytes_held) / 1e6)
    .field("memory_limit_mb", static_cast<double>(f_.budget_bytes) / 1e6)
    .field("memory_utilization", ratio(f_.bytes_held, f_.budget_bytes))
    .field("prediction_accuracy", f_.prediction_accuracy)
    .end_object();
  return w.take();
}

} // namespace auralis::http
