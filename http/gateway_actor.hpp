#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/library_actor.hpp"
#include "actors/tier_actor.hpp"
#include "http/http_call.hpp"
#include "http/http_server.hpp"

namespace auralis::http {

/// Asks the gateway for the port its server bound.
using port_atom = caf::atom_constant<caf::atom("port")>;

/// The HTTP front end. Owns the RESTinio server; each request arrives as an http_call,
/// is answered by asking the engine's actors, and is answered 503 when they take longer
/// than the request timeout. Never blocks.
using gateway_actor =
  caf::typed_actor<caf::reacts_to<http_call>, caf::replies_to<port_atom>::with<std::uint16_t>>;

/// What the gateway needs to know.
struct gateway_settings {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;                   ///< 0 = any free port
  std::size_t threads = 1;                  ///< server I/O threads
  std::chrono::milliseconds timeout{5000};  ///< longest wait for an actor's answer
  std::uint64_t budget_bytes = 0;           ///< total cache budget, for health
};

/// The actors the gateway talks to.
struct gateway_peers {
  actors::library_actor library;
  actors::tier_actor l1, l2, l3;
};

/// State of the gateway: the server it owns.
struct gateway_state {
  std::unique_ptr<http_server> server; ///< null when it could not start
  std::string failure;                 ///< why it could not start
  gateway_settings settings;
  gateway_peers peers;
  static inline const char* name = "http-gateway";
};

/// Behaviour of the gateway; starts the server on spawn. When it cannot bind, the port
/// request answers engine_errc::io_failure with the reason.
gateway_actor::behavior_type gateway_actor_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                                gateway_settings settings, gateway_peers peers);

} // namespace auralis::http
