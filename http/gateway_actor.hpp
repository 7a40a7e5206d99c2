#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/engine_event.hpp"
#include "actors/core_actors.hpp"
#include "http/ask_deadlines.hpp"
#include "http/event_hub_actor.hpp"
#include "http/http_call.hpp"
#include "http/http_server.hpp"
#include "http/request_parser.hpp"

namespace auralis::http {

/// Asks the gateway for the port its server bound.
using port_atom = caf::atom_constant<caf::atom("port")>;

/// The gateway's own timer: answers the asks past their deadline.
using sweep_atom = caf::atom_constant<caf::atom("sweep")>;

/// The HTTP front end. Owns the RESTinio server; each request arrives as an http_call,
/// is answered by asking the engine's actors (request(...).then, never waiting), and is
/// answered 503 when one of them takes longer than the request timeout to answer (the
/// deadlines are kept by the gateway, see ask_deadlines). Publishes cache_cleared,
/// cache_tier_cleared and track_removed to the event hub.
using gateway_actor =
  caf::typed_actor<caf::reacts_to<http_call>, caf::replies_to<port_atom>::with<std::uint16_t>,
                   caf::reacts_to<sweep_atom>>;

/// What the gateway needs to know.
struct gateway_settings {
  http_server_options server;               ///< address, port, threads, body limit
  std::chrono::milliseconds timeout{5000};  ///< longest wait for an actor's answer
  std::uint64_t budget_bytes = 0;           ///< total cache budget, for stats and health
  std::string api_token;                    ///< non-empty: mutating routes need it as Bearer
  std::vector<std::string> presets;         ///< known preset names, in the presets file's order
  double chunk_seconds = 15;                ///< audio.chunk_seconds
};

/// The actors the gateway talks to.
struct gateway_peers {
  actors::core_actors core; ///< library, pool, tiers, predictor, planner
  event_hub_actor events;   ///< the WebSocket hub (joins, leaves, published events)
};

/// State of the gateway: the server it owns.
struct gateway_state {
  std::unique_ptr<http_server> server;     ///< null when it could not start
  std::string failure;                     ///< why it could not start
  gateway_settings settings;
  gateway_peers peers;
  std::unique_ptr<request_parser> parser;  ///< validates requests (one per actor)
  /// The planner's fetch latencies as last asked, reused by /api/cache/check for up to
  /// latency_max_age unless a fetch went through the gateway since.
  actors::tier_latency latency;
  std::chrono::steady_clock::time_point latency_at; ///< when `latency` was asked
  bool latency_fresh = false;                       ///< `latency` may be reused
  /// How long a latency answer is reused.
  static constexpr std::chrono::milliseconds latency_max_age{250};
  /// Deadlines of the questions asked for pending requests (settings.timeout each).
  ask_deadlines deadlines{std::chrono::milliseconds(5000)};
  bool sweep_scheduled = false; ///< a sweep_atom is on its way to the gateway
  /// When the gateway started (the engine's uptime counts from it).
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  /// The process's CPU time at `cpu_at`, and its share of one core since the sample before.
  double cpu_seconds = 0;
  std::chrono::steady_clock::time_point cpu_at = started;
  double cpu_share = 0;
  static inline const char* name = "http-gateway";
};

/// Behaviour of the gateway; starts the server on spawn. When it cannot bind, the port
/// request answers engine_errc::io_failure with the reason. The handles are moved out of
/// `peers` (left empty): CAF 0.17 keeps spawn arguments as long as the actor object
/// lives, and strong handles there would keep the peers (detached ones included) from
/// being destroyed at shutdown.
gateway_actor::behavior_type gateway_actor_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                                gateway_settings settings,
                                                std::shared_ptr<gateway_peers> peers);

} // namespace auralis::http
