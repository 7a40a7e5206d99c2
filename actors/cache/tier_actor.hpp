#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/cache/tier_store.hpp"
#include "actors/common/atoms.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/common/engine_event.hpp"

namespace auralis::actors {

/// The demotion path's counters and the memory its backlog holds.
struct demotion_report {
  std::uint64_t received = 0;       ///< demotions received
  std::uint64_t stored = 0;         ///< compressed and stored in L3
  std::uint64_t refreshed = 0;      ///< already in L3: put back as it was, not encoded again
  std::uint64_t failed = 0;         ///< encode failed (or refused by the pool), or L3 refused
  std::uint64_t dropped = 0;        ///< shed from the backlog for room (least likely first)
  std::uint64_t invalidated = 0;    ///< of a track invalidated while waiting or encoding: not stored
  std::uint64_t waiting = 0;        ///< entries waiting in the backlog
  std::uint64_t in_flight = 0;      ///< encodes submitted to the pool and not yet back
  std::uint64_t backlog_bytes = 0;  ///< PCM held: waiting and in-flight entries
  std::uint64_t budget_bytes = 0;   ///< the backlog's byte budget (tiers.demote_queue_mb)
};

/// CAF serialisation of demotion_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, demotion_report& x) {
  return f(caf::meta::type_name("demotion_report"), x.received, x.stored, x.refreshed, x.failed,
           x.dropped, x.invalidated, x.waiting, x.in_flight, x.backlog_bytes,
           x.budget_bytes);
}

/// Receives entries evicted from L1/L2 that are still likely, to compress them into L3;
/// invalidate, track id: forgets the track's entries (answers how many were waiting; its
/// encodes in flight are not stored); stats answers its counters.
using demotion_sink =
  caf::typed_actor<caf::reacts_to<demote_atom, tier_departure>,
                   caf::replies_to<invalidate_atom, std::int64_t>::with<std::uint64_t>,
                                       caf::replies_to<stats_atom>::with<demotion_report>>;

/// One cache tier. Holds and moves bytes only; never encodes, decodes or renders.
/// - put, key, payload, probability: store (evicting by the policy), or too_large; each
///   stored entry and each eviction is published to settings.events;
/// - get, key, client_fetch: the bytes; counts a hit or a miss only when client_fetch;
/// - peek, key: metadata, no counters touched;
/// - delete, key: remove one (true if it was held);
/// - clear: remove all (answers how many); invalidate, track: remove a track's entries;
/// - list: every entry; stats: counters and bytes held;
/// - update, probabilities: re-rate held entries;
/// - budget, bytes: a new budget (0 allowed; see tier_store::set_budget): evicts down to it
///   (each eviction published and demoted as a put's are) and answers how many left.
using tier_actor = caf::typed_actor<
  caf::replies_to<caf::put_atom, cache_key, audio_payload, double>::with<put_reply>,
  caf::replies_to<caf::get_atom, cache_key, bool>::with<get_reply>,
  caf::replies_to<peek_atom, cache_key>::with<peek_reply>,
  caf::replies_to<caf::delete_atom, cache_key>::with<bool>,
  caf::replies_to<clear_atom>::with<std::uint64_t>,
  caf::replies_to<invalidate_atom, std::int64_t>::with<std::uint64_t>,
  caf::replies_to<list_atom>::with<std::vector<entry_record>>,
  caf::replies_to<stats_atom>::with<tier_report>,
  caf::reacts_to<update_atom, probability_update>,
  caf::replies_to<budget_atom, std::uint64_t>::with<std::uint64_t>>;

/// How a tier is set up.
struct tier_settings {
  tier_id tier = tier_id::l1;
  std::uint64_t budget_bytes = 0;
  double max_age_s = 0;        ///< > 0: entries older than this go first (L3's rule)
  double demote_floor = 1.1;   ///< evicted entries with probability above it are demoted
  demotion_sink demote_to;     ///< where demotions go (none for L3)
  /// Gets chunk_buffered for every stored or replaced put and chunk_evicted for every entry
  /// evicted to make room or by age (not for delete, clear or invalidate); invalid = none.
  event_sink events;
};

/// State of a tier actor.
struct tier_state {
  std::unique_ptr<tier_store> store;
  tier_settings settings;
  std::uint64_t demoted = 0;
  static inline const char* name = "tier";
};

/// Behaviour of a tier actor.
tier_actor::behavior_type tier_actor_impl(tier_actor::stateful_pointer<tier_state> self,
                                          tier_settings settings);

/// The record of `info` as tier `t` reports it at `now`.
entry_record record_of(const entry_info& info, tier_id t, cache_clock::time_point now);

} // namespace auralis::actors
