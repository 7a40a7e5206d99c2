#include "http/gateway_actor.hpp"

#include <spdlog/spdlog.h>

#include "actors/engine_error.hpp"
#include "config/json_writer.hpp"
#include "http/health_report.hpp"
#include "http/http_reply.hpp"

namespace auralis::http {

namespace {

using actors::track_info;

std::string tracks_json(const std::vector<track_info>& tracks) {
  config::json_writer w;
  w.begin_object().key("tracks").begin_array();
  for (const auto& t : tracks) {
    w.begin_object()
      .field("id", t.id)
      .field("path", t.path)
      .field("title", t.title)
      .field("format", t.format)
      .key("duration_s").value(t.duration_s, 9)
      .field("chunks", t.chunks)
      .field("sample_rate", t.sample_rate)
      .field("channels", t.channels)
      .end_object();
  }
  w.end_array().field("count", static_cast<std::uint64_t>(tracks.size())).end_object();
  return w.take();
}

using gateway_pointer = gateway_actor::stateful_pointer<gateway_state>;

/// Asks L1, L2 and L3 for their reports (one after the other) and calls `done` with all
/// three, or `failed` with the first error.
template <class Done, class Failed>
void collect_tier_reports(gateway_pointer self, Done done, Failed failed) {
  const auto timeout = self->state.settings.timeout;
  const auto& p = self->state.peers;
  self->request(p.l1, timeout, actors::stats_atom::value)
    .then(
      [self, done, failed, timeout](actors::tier_report r1) {
        self->request(self->state.peers.l2, timeout, actors::stats_atom::value)
          .then(
            [self, done, failed, timeout, r1](actors::tier_report r2) {
              self->request(self->state.peers.l3, timeout, actors::stats_atom::value)
                .then([done, r1, r2](actors::tier_report r3) { done(r1, r2, r3); }, failed);
            },
            failed);
      },
      failed);
}

/// The health figures from the three tier reports. Every client fetch asks L1 first, so
/// L1's hits + misses count all client fetches.
cache_figures figures_of(const actors::tier_report& l1, const actors::tier_report& l2,
                         const actors::tier_report& l3, std::uint64_t budget) {
  cache_figures f;
  f.client_fetches = l1.hits + l1.misses;
  f.l1_hits = l1.hits;
  f.total_hits = l1.hits + l2.hits + l3.hits;
  f.bytes_held = l1.bytes + l2.bytes + l3.bytes;
  f.budget_bytes = budget;
  return f;
}

} // namespace

gateway_actor::behavior_type gateway_actor_impl(gateway_actor::stateful_pointer<gateway_state> self,
                                                gateway_settings settings, gateway_peers peers) {
  self->state.settings = settings;
  self->state.peers = std::move(peers);
  // The server's callback holds a weak address: a strong handle there would keep the
  // gateway (and through its spawn arguments every peer) alive as long as the server's
  // handlers live, including a server that failed to bind.
  const caf::actor_addr gateway_addr = self->address();
  try {
    self->state.server = std::make_unique<http_server>(
      settings.bind, settings.port, settings.threads, [gateway_addr](http_call call) {
        if (auto gateway = caf::actor_cast<gateway_actor>(gateway_addr))
          caf::anon_send(gateway, std::move(call));
        else
          reply_detail(*call.responder, 503, "the engine is stopping");
      });
    spdlog::info("http: serving on http://{}:{}", settings.bind, self->state.server->port());
  } catch (const std::exception& e) {
    // Reported through the port request; the engine then stops every actor. (Quitting
    // here, inside the actor's initialisation, leaves CAF 0.17 counting it as running.)
    spdlog::error("http: {}", e.what());
    self->state.failure = e.what();
  }
  return {
    [self](http_call& call) {
      auto responder = call.responder;
      const auto timeout = self->state.settings.timeout;
      switch (call.request.route) {
        case route_id::cache_health:
          collect_tier_reports(
            self,
            [self, responder](const actors::tier_report& l1, const actors::tier_report& l2,
                              const actors::tier_report& l3) {
              const auto f = figures_of(l1, l2, l3, self->state.settings.budget_bytes);
              reply_json(*responder, 200, health_report(f).to_json());
            },
            [responder](const caf::error& err) { reply_actor_error(*responder, err); });
          break;
        case route_id::library_tracks:
          self->request(self->state.peers.library, timeout, actors::list_atom::value)
            .then([responder](const std::vector<track_info>& tracks) {
              reply_json(*responder, 200, tracks_json(tracks));
            },
                  [responder](const caf::error& err) { reply_actor_error(*responder, err); });
          break;
      }
    },
    [self](port_atom) -> caf::result<std::uint16_t> {
      if (!self->state.server)
        return actors::make_engine_error(actors::engine_errc::io_failure, self->state.failure);
      return self->state.server->port();
    },
  };
}

} // namespace auralis::http
