#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/meta/type_name.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/engine_event.hpp"
#include "http/ws_client.hpp"

namespace auralis::http {

/// A WebSocket client joins the hub (server -> hub).
using ws_join_atom = caf::atom_constant<caf::atom("ws_join")>;
/// A WebSocket client's connection closed (server -> hub).
using ws_leave_atom = caf::atom_constant<caf::atom("ws_leave")>;

/// The hub's counters.
struct hub_report {
  std::uint64_t clients = 0;      ///< connected now
  std::uint64_t joined = 0;       ///< connections accepted since start
  std::uint64_t left = 0;         ///< connections closed by their peer
  std::uint64_t dropped_slow = 0; ///< connections closed because their queue was full
  /// Messages lost with those connections: the event that found the queue full and the
  /// messages still queued unwritten (dropped with the connection).
  std::uint64_t messages_dropped = 0;
  std::uint64_t events = 0;       ///< events published
  std::uint64_t sent = 0;         ///< messages queued to clients
};

/// CAF serialisation of hub_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hub_report& x) {
  return f(caf::meta::type_name("hub_report"), x.clients, x.joined, x.left, x.dropped_slow,
           x.messages_dropped,
           x.events, x.sent);
}

/// The WebSocket event hub; also the engine's actors::event_sink.
/// - event, engine_event: sends it as JSON ({"type", "timestamp", ...fields}) to every
///   client. A client whose unwritten messages reach the queue limit is disconnected at
///   once (the hub never waits for a client);
/// - ws_join, client: registers a new connection, starts reading it and sends it
///   {"type": "connected", "timestamp", "clients"};
/// - ws_leave, id: the peer closed connection `id` (unknown ids are ignored);
/// - stats: the counters.
/// On exit every client is closed with a close frame.
using event_hub_actor = caf::typed_actor<
  caf::reacts_to<actors::event_atom, actors::engine_event>,
  caf::reacts_to<ws_join_atom, ws_client_ptr>,
  caf::reacts_to<ws_leave_atom, std::uint64_t>,
  caf::replies_to<actors::stats_atom>::with<hub_report>>;

/// How the hub is set up.
struct event_hub_settings {
  std::size_t queue_limit = 256; ///< unwritten messages a client may have (at least 1)
};

/// One connected client and its count of unwritten messages.
struct hub_client {
  ws_client_ptr conn;
  std::shared_ptr<std::atomic<std::size_t>> pending;
};

/// State of the hub.
struct event_hub_state {
  event_hub_settings settings;
  std::map<std::uint64_t, hub_client> clients;
  hub_report counters;
  static inline const char* name = "event-hub";

  /// Closes every client gracefully.
  ~event_hub_state();
};

/// Behaviour of the hub.
event_hub_actor::behavior_type
event_hub_actor_impl(event_hub_actor::stateful_pointer<event_hub_state> self,
                     event_hub_settings settings);

/// The WebSocket message of `e`: {"type": to_string(kind), "timestamp": seconds since the
/// epoch (e.timestamp, or now when it is 0), ...the kind's fields}.
std::string event_json(const actors::engine_event& e);

/// Seconds since the Unix epoch, now.
double unix_now() noexcept;

} // namespace auralis::http
