#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/common/probe_registry.hpp"
#include "http/api_json.hpp"
#include "http/event_hub_actor.hpp"
#include "http/http_metrics.hpp"

namespace auralis::http {

/// Everything GET /api/actors and GET /metrics show, gathered by the gateway.
struct introspection_report {
  double uptime_s = 0;               ///< since the engine started
  double cpu_seconds = 0;            ///< the process's CPU time (all threads)
  double cpu_share = 0;              ///< of one core, over the last interval between reports
  std::uint64_t threads = 0;         ///< the process's threads
  bool actors_measured = false;      ///< server.introspection: `actors` is filled
  std::vector<actors::actor_figures> actors; ///< one per actor, in spawn order
  tier_reports tiers;
  actors::planner_report planner;
  actors::predictor_stats predictor;
  engine_figures engine;             ///< pool, demotion, governor, memory, HTTP timeouts
  std::vector<route_figures> http;   ///< answers by route and status
  std::uint64_t http_requests = 0;
  hub_report hub;
};

/// GET /api/actors: {uptime_s, process {rss_bytes, cpu_seconds, cpu_share, threads},
/// system {running_actors, queued_messages, dropped_messages}, actors [...], pool {...},
/// tiers {l1, l2, l3}, planner {...}, predictor {...}, http {...}, websocket {...}}
/// (docs/api.md shows every field).
std::string actors_json(const introspection_report& r);

/// GET /metrics: the same figures in the Prometheus text format, every name prefixed
/// auralis_, in base units (bytes, seconds), counters ending in _total (docs/operations.md).
std::string metrics_text(const introspection_report& r);

} // namespace auralis::http
