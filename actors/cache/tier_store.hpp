#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/cache/eviction_policy.hpp"
#include "actors/common/cache_key.hpp"
#include "actors/common/cache_messages.hpp"
#include "codec/byte_buffer.hpp"

namespace auralis::actors {

/// An entry as contents() lists it.
struct entry_info {
  cache_key key;
  double probability = 0;
  cache_clock::time_point created;
  cache_clock::time_point last_access;
  std::uint64_t access_count = 0;
  std::uint64_t bytes = 0;
};

/// An entry that left the tier to make room, handed back so the caller may demote it.
struct evicted_entry {
  cache_key key;
  double probability = 0;
  audio_blob data;
};

/// What put() did.
struct put_result {
  put_status status = put_status::stored;
  std::vector<evicted_entry> evicted; ///< in eviction order
};

/// Counters and sizes of one tier.
struct tier_stats {
  std::uint64_t hits = 0;        ///< client fetches served from this tier
  std::uint64_t misses = 0;      ///< client fetches that looked here and found nothing
  std::uint64_t bytes = 0;       ///< bytes held now
  std::uint64_t budget = 0;      ///< budget in bytes
  std::uint64_t count = 0;       ///< entries held now
  std::uint64_t evictions = 0;   ///< entries evicted for room since start
  std::uint64_t refused = 0;     ///< puts refused as too large
};

/// The bytes of one cache tier, within a byte budget, without an actor. A put that does
/// not fit evicts by the policy until it does; the sum of held bytes never exceeds the
/// budget. Hits and misses move only on get() with client_fetch = true. Not thread-safe.
class tier_store {
public:
  /// `budget_bytes` > 0; the policy decides eviction order.
  tier_store(std::uint64_t budget_bytes, std::unique_ptr<eviction_policy> policy);

  /// Stores `data` under `key` with `probability` (replacing an entry with that key),
  /// evicting others if needed. A blob larger than the budget is refused (too_large).
  put_result put(const cache_key& key, audio_blob data, double probability,
                 cache_clock::time_point now);

  /// The entry's bytes, updating its last access and access count; nullopt if absent.
  /// With `client_fetch`, counts a hit or a miss.
  std::optional<audio_blob> get(const cache_key& key, bool client_fetch,
                                cache_clock::time_point now);

  /// The entry's metadata without touching it or any counter; nullopt if absent.
  std::optional<entry_info> peek(const cache_key& key) const;

  /// Sets an entry's probability; false if absent.
  bool set_probability(const cache_key& key, double probability);

  /// Removes one entry and returns it; nullopt if absent.
  std::optional<evicted_entry> remove(const cache_key& key);

  /// Removes every entry; returns how many there were. Counters are kept.
  std::size_t clear();

  /// Removes every entry of `track_id`; returns how many.
  std::size_t invalidate(std::int64_t track_id);

  /// Every entry, in key order.
  std::vector<entry_info> contents() const;

  /// Counters and sizes.
  tier_stats stats() const;

  /// Bytes held now.
  std::uint64_t bytes() const noexcept { return bytes_; }

  /// The budget in bytes.
  std::uint64_t budget() const noexcept { return budget_; }

  /// Sets the budget to `budget_bytes` (0 allowed: the tier then holds nothing and refuses
  /// every put as too_large) and evicts by the policy until the held bytes fit; returns the
  /// evicted entries (counted as evictions), none when the tier already fits.
  std::vector<evicted_entry> set_budget(std::uint64_t budget_bytes, cache_clock::time_point now);

private:
  /// Evicts by the policy until `incoming` more bytes fit the budget, into `out`.
  void evict_for(std::uint64_t incoming, cache_clock::time_point now,
                 std::vector<evicted_entry>& out);

  struct slot {
    entry_info info;
    audio_blob data;
  };

  std::uint64_t budget_;
  std::unique_ptr<eviction_policy> policy_;
  std::map<cache_key, slot> entries_;
  std::uint64_t bytes_ = 0;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::uint64_t evictions_ = 0;
  std::uint64_t refused_ = 0;
};

} // namespace auralis::actors
