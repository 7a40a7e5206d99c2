#include "http/event_hub_actor.hpp"

#include <chrono>

#include "config/json_writer.hpp"

namespace auralis::http {

using actors::event_kind;

double unix_now() noexcept {
  using namespace std::chrono;
  return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

std::string event_json(const actors::engine_event& e) {
  config::json_writer w;
  w.begin_object()
    .field("type", to_string(e.kind))
    .key("timestamp").value(e.timestamp > 0 ? e.timestamp : unix_now(), 15);
  switch (e.kind) {
    case event_kind::cache_cleared: break;
    case event_kind::cache_tier_cleared: w.field("tier", actors::tier_label(e.tier)); break;
    case event_kind::chunk_buffered:
    case event_kind::chunk_evicted:
      w.field("track_id", e.track_id)
        .field("preset", e.preset)
        .field("intensity", e.intensity)
        .field("chunk_idx", e.chunk_idx)
        .field("tier", actors::tier_label(e.tier));
      break;
    case event_kind::mode_changed: w.field("session_id", e.session_id).field("mode", e.mode); break;
    case event_kind::track_removed: w.field("track_id", e.track_id); break;
  }
  return w.end_object().take();
}

event_hub_state::~event_hub_state() {
  for (auto& [id, c] : clients)
    c.conn->close(true);
}

namespace {

using hub_pointer = event_hub_actor::stateful_pointer<event_hub_state>;

/// Queues `text` to `c`; false when its queue is full (the caller disconnects it).
bool offer(hub_pointer self, hub_client& c, std::string text) {
  if (c.pending->load() >= self->state.settings.queue_limit)
    return false;
  c.pending->fetch_add(1);
  auto pending = c.pending;
  c.conn->send_text(std::move(text), [pending](bool) { pending->fetch_sub(1); });
  ++self->state.counters.sent;
  return true;
}

} // namespace

event_hub_actor::behavior_type
event_hub_actor_impl(event_hub_actor::stateful_pointer<event_hub_state> self,
                     event_hub_settings settings) {
  if (settings.queue_limit == 0)
    settings.queue_limit = 1;
  self->state.settings = settings;
  return {
    [self](actors::event_atom, const actors::engine_event& e) {
      auto& st = self->state;
      ++st.counters.events;
      if (st.clients.empty())
        return;
      const auto text = event_json(e);
      for (auto i = st.clients.begin(); i != st.clients.end();) {
        if (offer(self, i->second, text)) {
          ++i;
        } else {
          st.counters.messages_dropped += 1 + i->second.pending->load();
          i->second.conn->close(false);
          ++st.counters.dropped_slow;
          i = st.clients.erase(i);
        }
      }
      st.counters.clients = st.clients.size();
    },
    [self](ws_join_atom, const ws_client_ptr& conn) {
      if (!conn)
        return;
      auto& st = self->state;
      auto [it, fresh] = st.clients.emplace(
        conn->id(), hub_client{conn, std::make_shared<std::atomic<std::size_t>>(0)});
      if (!fresh) {
        // A reused id: the old connection is gone for good.
        it->second.conn->close(false);
        it->second = hub_client{conn, std::make_shared<std::atomic<std::size_t>>(0)};
      }
      ++st.counters.joined;
      st.counters.clients = st.clients.size();
      conn->start();
      config::json_writer w;
      w.begin_object()
        .field("type", "connected")
        .key("timestamp").value(unix_now(), 15)
        .field("clients", static_cast<std::uint64_t>(st.clients.size()))
        .end_object();
      offer(self, it->second, w.take());
    },
    [self](ws_leave_atom, std::uint64_t id) {
      auto& st = self->state;
      auto i = st.clients.find(id);
      if (i == st.clients.end())
        return;
      i->second.conn->close(true);
      st.clients.erase(i);
      ++st.counters.left;
      st.counters.clients = st.clients.size();
    },
    [self](actors::stats_atom) { return self->state.counters; },
  };
}

} // namespace auralis::http
