#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/common/duration_histogram.hpp"

namespace auralis::http {

/// One label of a sample: name and value (escaped by the writer).
using prom_label = std::pair<std::string_view, std::string_view>;

/// Writes the Prometheus text exposition format (version 0.0.4): each family once with its
/// HELP and TYPE lines, then its samples. Names are the caller's (they must match
/// [a-zA-Z_:][a-zA-Z0-9_:]*); label values are escaped (\\, \", \n).
class prometheus_writer {
public:
  /// Starts family `name` of `type` ("counter", "gauge" or "histogram"). A family already
  /// written is not started again (its samples must follow its first start).
  void family(std::string_view name, std::string_view type, std::string_view help);

  /// One sample `name{labels} value` (name may carry a suffix of the family's, as _bucket).
  void sample(std::string_view name, const std::vector<prom_label>& labels, double value);

  /// The samples of histogram family `name` from `h` (milliseconds), in seconds:
  /// name_bucket{le=...} (cumulative, ending with +Inf), name_sum, name_count.
  void histogram(std::string_view name, const std::vector<prom_label>& labels,
                 const actors::duration_histogram& h);

  /// The text so far.
  const std::string& str() const noexcept { return out_; }

private:
  std::string out_;
  std::set<std::string, std::less<>> families_;
};

} // namespace auralis::http
