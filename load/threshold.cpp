#include "load/threshold.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <set>

#include "load/request_kind.hpp"

namespace auralis::load {

namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return s.substr(b, e - b);
}

const std::set<std::string>& metric_set() {
  static const std::set<std::string> names = [] {
    std::set<std::string> n{
      "errors",          "http_errors",       "transport_errors", "errors_503",
      "underruns",       "stall_ms",          "hit_rate",         "l1_hit_rate",
      "l2_hit_rate",     "l3_hit_rate",       "miss_rate",        "rss_mb",
      "rss_mb_final",    "rss_shmem_mb",      "fds",              "fds_final",
      "requests",        "req_per_s",         "sessions_peak",    "attacks",
      "attack_unexpected", "server_hit_rate", "server_size_mb",   "fetch_count",
      "warmup_errors"};
    std::vector<std::string> kinds(request_kind_names.begin(), request_kind_names.end());
    kinds.push_back("fetch"); // every chunk fetch of the listeners, whatever its kind
    for (const auto& k : kinds) {
      n.insert(k + "_count");
      for (const char* s : {"_ms_p50", "_ms_p95", "_ms_p99", "_ms_max"})
        n.insert(k + s);
    }
    return n;
  }();
  return names;
}

} // namespace

bool threshold::known_metric(const std::string& name) { return metric_set().count(name) > 0; }

std::vector<std::string> threshold::metric_names() {
  return {metric_set().begin(), metric_set().end()};
}

const char* comparison_text(comparison c) {
  switch (c) {
    case comparison::less: return "<";
    case comparison::less_equal: return "<=";
    case comparison::greater: return ">";
    case comparison::greater_equal: return ">=";
    case comparison::equal: return "==";
    case comparison::not_equal: return "!=";
  }
  return "?";
}

threshold threshold::parse(const std::string& text) {
  threshold t;
  t.text_ = trim(text);
  const std::string& s = t.text_;
  const auto at = s.find_first_of("<>=!");
  if (at == std::string::npos)
    throw threshold_error("'" + s + "': expected '<metric> <op> <number>' with op one of < <= > >= == !=");
  std::size_t len = 1;
  const char c = s[at];
  const char next = at + 1 < s.size() ? s[at + 1] : '\0';
  if (c == '<')
    t.op_ = next == '=' ? (len = 2, comparison::less_equal) : comparison::less;
  else if (c == '>')
    t.op_ = next == '=' ? (len = 2, comparison::greater_equal) : comparison::greater;
  else if (c == '=' && next == '=')
    t.op_ = (len = 2, comparison::equal);
  else if (c == '!' && next == '=')
    t.op_ = (len = 2, comparison::not_equal);
  else
    throw threshold_error("'" + s + "': unknown operator (use < <= > >= == !=)");
  t.metric_ = trim(s.substr(0, at));
  const std::string number = trim(s.substr(at + len));
  if (t.metric_.empty())
    throw threshold_error("'" + s + "': no metric before the operator");
  if (!known_metric(t.metric_))
    throw threshold_error("'" + s + "': unknown metric '" + t.metric_ + "'");
  char* end = nullptr;
  t.limit_ = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(t.limit_))
    throw threshold_error("'" + s + "': '" + number + "' is not a number");
  return t;
}

threshold_outcome threshold::evaluate(std::optional<double> value) const {
  if (!value || std::isnan(*value))
    return threshold_outcome::not_measured;
  const double v = *value;
  bool ok = false;
  switch (op_) {
    case comparison::less: ok = v < limit_; break;
    case comparison::less_equal: ok = v <= limit_; break;
    case comparison::greater: ok = v > limit_; break;
    case comparison::greater_equal: ok = v >= limit_; break;
    case comparison::equal: ok = v == limit_; break;
    case comparison::not_equal: ok = v != limit_; break;
  }
  return ok ? threshold_outcome::held : threshold_outcome::breached;
}

threshold_outcome threshold::evaluate(const std::map<std::string, double>& figures) const {
  const auto it = figures.find(metric_);
  return evaluate(it == figures.end() ? std::nullopt : std::optional<double>(it->second));
}

} // namespace auralis::load
