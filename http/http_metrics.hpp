#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "actors/common/duration_histogram.hpp"

namespace auralis::http {

/// The requests of one route answered with one status.
struct route_figures {
  std::string route;  ///< "GET /api/cache/stats" (the route's pattern), "GET /api/ws",
                      ///< "GET web" (the web UI's files) or "unrouted" (answered before a
                      ///< route was found: 404, 405, 400, 413, 414, 431, 503 over the limits)
  int status = 0;
  actors::duration_histogram latency; ///< from the request's arrival to its answer's hand-off
};

/// Counts the HTTP server's answers by route and status, with their latency. Thread-safe:
/// every server thread and the gateway's responders record into it.
class http_metrics {
public:
  using clock = std::chrono::steady_clock;

  /// Label of the requests answered before they were routed.
  static constexpr const char* unrouted = "unrouted";

  /// One answer of `status` to a request of `route` that arrived at `since`.
  void record(const std::string& route, int status, clock::time_point since,
              clock::time_point now = clock::now());

  /// Every (route, status) seen, sorted by route then status.
  std::vector<route_figures> figures() const;

  /// Answers recorded.
  std::uint64_t requests() const;

private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, actors::duration_histogram> by_route_;
  std::uint64_t requests_ = 0;
};

} // namespace auralis::http
