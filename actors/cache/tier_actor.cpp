#include "actors/cache/tier_actor.hpp"

#include <chrono>

#include <caf/send.hpp>

namespace auralis::actors {

namespace {

/// Publishes a chunk event of `kind` for `key` in tier `t` (nothing without a sink).
void publish(tier_actor::stateful_pointer<tier_state> self, event_kind kind,
             const cache_key& key) {
  const auto& sink = self->state.settings.events;
  if (!sink)
    return;
  engine_event e;
  e.kind = kind;
  e.timestamp =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  e.tier = self->state.settings.tier;
  e.track_id = key.track_id;
  e.preset = key.preset;
  e.intensity = key.intensity();
  e.chunk_idx = key.chunk_idx;
  self->send(sink, event_atom::value, std::move(e));
}

/// Publishes the eviction of each entry in `evicted` and demotes those likely enough;
/// returns them as departures.
std::vector<tier_departure> depart(tier_actor::stateful_pointer<tier_state> self,
                                   std::vector<evicted_entry>& evicted) {
  std::vector<tier_departure> out;
  const auto& s = self->state.settings;
  for (auto& e : evicted) {
    publish(self, event_kind::chunk_evicted, e.key);
    tier_departure d{e.key, e.probability, audio_payload{std::move(e.data)}};
    if (s.demote_to && d.probability > s.demote_floor) {
      ++self->state.demoted;
      self->send(s.demote_to, demote_atom::value, d);
    }
    out.push_back(std::move(d));
  }
  return out;
}

} // namespace

entry_record record_of(const entry_info& info, tier_id t, cache_clock::time_point now) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  entry_record r;
  r.key = info.key;
  r.tier = t;
  r.probability = info.probability;
  r.access_count = info.access_count;
  r.bytes = info.bytes;
  r.age_ms = duration_cast<milliseconds>(now - info.created).count();
  r.idle_ms = duration_cast<milliseconds>(now - info.last_access).count();
  return r;
}

tier_actor::behavior_type tier_actor_impl(tier_actor::stateful_pointer<tier_state> self,
                                          tier_settings settings) {
  std::unique_ptr<eviction_policy> policy;
  if (settings.max_age_s > 0)
    policy = std::make_unique<aged_probability_lru_policy>(
      std::chrono::duration_cast<cache_clock::duration>(
        std::chrono::duration<double>(settings.max_age_s)));
  else
    policy = std::make_unique<probability_lru_policy>();
  self->state.store = std::make_unique<tier_store>(settings.budget_bytes, std::move(policy));
  self->state.settings = std::move(settings);
  return {
    [self](caf::put_atom, const cache_key& key, const audio_payload& payload,
           double probability) {
      auto result = self->state.store->put(key, payload.data, probability, cache_clock::now());
      put_reply reply;
      reply.status = result.status;
      reply.evicted = depart(self, result.evicted);
      if (result.status != put_status::too_large)
        publish(self, event_kind::chunk_buffered, key);
      return reply;
    },
    [self](caf::get_atom, const cache_key& key, bool client_fetch) {
      get_reply reply;
      if (auto data = self->state.store->get(key, client_fetch, cache_clock::now())) {
        reply.found = true;
        reply.payload.data = std::move(*data);
      }
      return reply;
    },
    [self](peek_atom, const cache_key& key) {
      peek_reply reply;
      if (auto info = self->state.store->peek(key)) {
        reply.found = true;
        reply.record = record_of(*info, self->state.settings.tier, cache_clock::now());
      }
      return reply;
    },
    [self](caf::delete_atom, const cache_key& key) {
      return self->state.store->remove(key).has_value();
    },
    [self](clear_atom) { return static_cast<std::uint64_t>(self->state.store->clear()); },
    [self](invalidate_atom, std::int64_t track_id) {
      return static_cast<std::uint64_t>(self->state.store->invalidate(track_id));
    },
    [self](list_atom) {
      std::vector<entry_record> out;
      const auto now = cache_clock::now();
      for (const auto& info : self->state.store->contents())
        out.push_back(record_of(info, self->state.settings.tier, now));
      return out;
    },
    [self](stats_atom) {
      const auto s = self->state.store->stats();
      tier_report r;
      r.tier = self->state.settings.tier;
      r.hits = s.hits;
      r.misses = s.misses;
      r.bytes = s.bytes;
      r.budget = s.budget;
      r.count = s.count;
      r.evictions = s.evictions;
      r.refused = s.refused;
      r.demoted = self->state.demoted;
      return r;
    },
    [self](budget_atom, std::uint64_t budget_bytes) {
      auto evicted = self->state.store->set_budget(budget_bytes, cache_clock::now());
      return static_cast<std::uint64_t>(depart(self, evicted).size());
    },
    [self](update_atom, const probability_update& u) {
      const auto n = std::min(u.keys.size(), u.probabilities.size());
      for (std::size_t i = 0; i < n; ++i)
        self->state.store->set_probability(u.keys[i], u.probabilities[i]);
    },
  };
}

} // namespace auralis::actors
