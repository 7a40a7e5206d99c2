#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

#include "actors/common/cache_messages.hpp"

namespace auralis::actors {

/// The demotion path's waiting room without an actor: entries evicted from L1/L2 that wait
/// for their Opus encode, held within a byte budget that covers the waiting entries and the
/// ones taken for encoding (in flight) alike. Not thread-safe.
/// - push: admits the entry, then, while the held bytes exceed the budget, drops the
///   waiting entry of lowest probability (the newest of equals; possibly the one just
///   pushed). Entries in flight are never dropped, so held bytes never exceed the budget.
/// - take: the waiting entry of highest probability (the oldest of equals) leaves the
///   backlog for encoding; its bytes stay counted until release().
class demotion_backlog {
public:
  /// Holds at most `budget_bytes` (0 admits nothing).
  explicit demotion_backlog(std::uint64_t budget_bytes) : budget_(budget_bytes) {}

  /// Admits `d` (a key already waiting is replaced by the newer entry) and sheds the least
  /// likely waiting entries until the budget holds. Returns how many were dropped
  /// (including `d` itself when it was the least likely or larger than the room left).
  std::uint64_t push(tier_departure d);

  /// The most likely waiting entry, now in flight (its bytes stay counted until
  /// release(bytes) with the value it reported); nullopt when nothing waits.
  struct taken {
    tier_departure entry;
    std::uint64_t bytes; ///< to pass to release()
  };
  std::optional<taken> take();

  /// An entry taken earlier finished (stored, failed or dropped): its `bytes` are freed.
  void release(std::uint64_t bytes) noexcept;

  /// Drops every waiting entry (entries in flight stay), counted in dropped(); returns how
  /// many. For a pool that sheds speculative work: what waits would only hold memory.
  std::uint64_t drop_waiting() noexcept;

  /// Drops the waiting entries of track `track_id` (entries in flight stay; not counted in
  /// dropped(): the track's audio is no longer valid, no room was short); returns how many.
  std::uint64_t drop_track(std::int64_t track_id);

  /// Bytes of the waiting and in-flight entries; never above budget().
  std::uint64_t bytes() const noexcept { return waiting_bytes_ + in_flight_bytes_; }
  /// Bytes of the waiting entries.
  std::uint64_t waiting_bytes() const noexcept { return waiting_bytes_; }
  /// Bytes of the entries taken and not yet released.
  std::uint64_t in_flight_bytes() const noexcept { return in_flight_bytes_; }
  /// Entries waiting.
  std::size_t size() const noexcept { return by_order_.size(); }
  /// Entries dropped for room since construction.
  std::uint64_t dropped() const noexcept { return dropped_; }
  /// The byte budget.
  std::uint64_t budget() const noexcept { return budget_; }

private:
  /// (-probability, sequence): the take order; the last element is dropped first.
  using order_key = std::tuple<double, std::uint64_t>;

  struct entry {
    tier_departure departure;
    std::uint64_t bytes;
  };

  /// Drops the waiting entry `it` points at.
  void erase(std::map<order_key, entry>::iterator it);

  std::uint64_t budget_;
  std::uint64_t waiting_bytes_ = 0;
  std::uint64_t in_flight_bytes_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t seq_ = 0;
  std::map<order_key, entry> by_order_;
  std::map<cache_key, order_key> by_key_;
};

} // namespace auralis::actors
