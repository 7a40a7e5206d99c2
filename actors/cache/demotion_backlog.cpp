#include "actors/cache/demotion_backlog.hpp"

#include <iterator>

namespace auralis::actors {

void demotion_backlog::erase(std::map<order_key, entry>::iterator it) {
  waiting_bytes_ -= it->second.bytes;
  by_key_.erase(it->second.departure.key);
  by_order_.erase(it);
}

std::uint64_t demotion_backlog::push(tier_departure d) {
  if (auto old = by_key_.find(d.key); old != by_key_.end())
    erase(by_order_.find(old->second)); // the newer bytes replace the older ones
  const std::uint64_t size = payload_bytes(d.payload);
  const order_key order{-d.probability, seq_++};
  by_key_.emplace(d.key, order);
  by_order_.emplace(order, entry{std::move(d), size});
  waiting_bytes_ += size;
  std::uint64_t shed = 0;
  // Least likely (then newest) first; within a probability the older entry survives.
  // A tie in probability drops the newer: the older entry waited longer for its encode.
  while (bytes() > budget_ && !by_order_.empty()) {
    erase(std::prev(by_order_.end()));
    ++shed;
  }
  dropped_ += shed;
  return shed;
}

std::optional<demotion_backlog::taken> demotion_backlog::take() {
  if (by_order_.empty())
    return std::nullopt;
  auto first = by_order_.begin();
  taken out{std::move(first->second.departure), first->second.bytes};
  waiting_bytes_ -= out.bytes;
  in_flight_bytes_ += out.bytes;
  by_key_.erase(out.entry.key);
  by_order_.erase(first);
  return out;
}

void demotion_backlog::release(std::uint64_t bytes) noexcept {
  in_flight_bytes_ -= bytes <= in_flight_bytes_ ? bytes : in_flight_bytes_;
}

std::uint64_t demotion_backlog::drop_track(std::int64_t track_id) {
  std::uint64_t n = 0;
  for (auto it = by_order_.begin(); it != by_order_.end();) {
    auto next = std::next(it);
    if (it->second.departure.key.track_id == track_id) {
      erase(it);
      ++n;
    }
    it = next;
  }
  return n;
}

std::uint64_t demotion_backlog::drop_waiting() noexcept {
  const std::uint64_t n = by_order_.size();
  by_order_.clear();
  by_key_.clear();
  waiting_bytes_ = 0;
  dropped_ += n;
  return n;
}

} // namespace auralis::actors
