#include "http/http_metrics.hpp"

namespace auralis::http {

void http_metrics::record(const std::string& route, int status, clock::time_point since,
                          clock::time_point now) {
  const double ms = std::chrono::duration<double, std::milli>(now - since).count();
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = by_route_.find({route, status});
  if (it == by_route_.end())
    it = by_route_.emplace(std::make_pair(route, status), actors::duration_histogram{}).first;
  it->second.add(ms);
  ++requests_;
}

std::vector<route_figures> http_metrics::figures() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::vector<route_figures> out;
  out.reserve(by_route_.size());
  for (const auto& [key, h] : by_route_)
    out.push_back({key.first, key.second, h});
  return out;
}

std::uint64_t http_metrics::requests() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return requests_;
}

} // namespace auralis::http
