#include "http/prometheus_writer.hpp"

#include <cmath>
#include <cstdio>

namespace auralis::http {

namespace {

/// A sample value as Prometheus reads it (integers without a fraction).
std::string number(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void append_escaped(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

void append_labels(std::string& out, const std::vector<prom_label>& labels,
                   std::string_view le = {}) {
  if (labels.empty() && le.empty())
    return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first)
      out += ',';
    first = false;
    out.append(name);
    out += "=\"";
    append_escaped(out, value);
    out += '"';
  }
  if (!le.empty()) {
    if (!first)
      out += ',';
    out += "le=\"";
    out.append(le);
    out += '"';
  }
  out += '}';
}

} // namespace

void prometheus_writer::family(std::string_view name, std::string_view type,
                               std::string_view help) {
  if (!families_.emplace(name).second)
    return;
  out_ += "# HELP ";
  out_.append(name);
  out_ += ' ';
  for (char c : help) {
    if (c == '\\')
      out_ += "\\\\";
    else if (c == '\n')
      out_ += "\\n";
    else
      out_ += c;
  }
  out_ += "\n# TYPE ";
  out_.append(name);
  out_ += ' ';
  out_.append(type);
  out_ += '\n';
}

void prometheus_writer::sample(std::string_view name, const std::vector<prom_label>& labels,
                               double value) {
  out_.append(name);
  append_labels(out_, labels);
  out_ += ' ';
  out_ += number(value);
  out_ += '\n';
}

void prometheus_writer::histogram(std::string_view name, const std::vector<prom_label>& labels,
                                  const actors::duration_histogram& h) {
  const std::string base(name);
  std::uint64_t cumulative = 0;
  const auto& buckets = h.buckets();
  for (std::size_t i = 0; i < actors::duration_histogram::bounds_ms.size(); ++i) {
    cumulative += i < buckets.size() ? buckets[i] : 0;
    out_ += base + "_bucket";
    append_labels(out_, labels, number(actors::duration_histogram::bounds_ms[i] / 1000.0));
    out_ += ' ' + number(static_cast<double>(cumulative)) + '\n';
  }
  out_ += base + "_bucket";
  append_labels(out_, labels, "+Inf");
  out_ += ' ' + number(static_cast<double>(h.count())) + '\n';
  sample(base + "_sum", labels, h.sum_ms() / 1000.0);
  sample(base + "_count", labels, static_cast<double>(h.count()));
}

} // namespace auralis::http
