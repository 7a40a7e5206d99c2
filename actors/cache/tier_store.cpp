#include "actors/cache/tier_store.hpp"

#include <stdexcept>

namespace auralis::actors {

tier_store::tier_store(std::uint64_t budget_bytes, std::unique_ptr<eviction_policy> policy)
  : budget_(budget_bytes), policy_(std::move(policy)) {
  if (budget_ == 0 || !policy_)
    throw std::invalid_argument("tier_store needs a budget above 0 and a policy");
}

put_result tier_store::put(const cache_key& key, audio_blob data, double probability,
                           cache_clock::time_point now) {
  put_result result;
  const std::uint64_t size = held_bytes(data);
  if (size > budget_) {
    ++refused_;
    result.status = put_status::too_large;
    return result;
  }
  if (auto it = entries_.find(key); it != entries_.end()) {
    bytes_ -= it->second.info.bytes;
    entries_.erase(it);
    result.status = put_status::replaced;
  }
  evict_for(size, now, result.evicted);
  slot s;
  s.info.key = key;
  s.info.probability = probability;
  s.info.created = now;
  s.info.last_access = now;
  s.info.bytes = size;
  s.data = std::move(data);
  bytes_ += size;
  entries_.emplace(key, std::move(s));
  return result;
}

void tier_store::evict_for(std::uint64_t incoming, cache_clock::time_point now,
                           std::vector<evicted_entry>& out) {
  if (bytes_ + incoming <= budget_)
    return;
  std::vector<entry_view> views;
  std::vector<const cache_key*> keys;
  views.reserve(entries_.size());
  for (const auto& [k, s] : entries_) {
    views.push_back({&k, s.info.probability, s.info.created, s.info.last_access, s.info.bytes});
    keys.push_back(&k);
  }
  const auto victims = policy_->choose_victims(views, bytes_ + incoming - budget_, now);
  for (std::size_t i : victims) {
    auto it = entries_.find(*keys[i]);
    out.push_back({it->first, it->second.info.probability, std::move(it->second.data)});
    bytes_ -= it->second.info.bytes;
    ++evictions_;
    entries_.erase(it);
  }
}

std::vector<evicted_entry> tier_store::set_budget(std::uint64_t budget_bytes,
                                                  cache_clock::time_point now) {
  budget_ = budget_bytes;
  std::vector<evicted_entry> out;
  evict_for(0, now, out);
  return out;
}

std::optional<audio_blob> tier_store::get(const cache_key& key, bool client_fetch,
                                          cache_clock::time_point now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (client_fetch)
      ++misses_;
    return std::nullopt;
  }
  if (client_fetch)
    ++hits_;
  it->second.info.last_access = now;
  ++it->second.info.access_count;
  return it->second.data;
}

std::optional<entry_info> tier_store::peek(const cache_key& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end())
    return std::nullopt;
  return it->second.info;
}

bool tier_store::set_probability(const cache_key& key, double probability) {
  auto it = entries_.find(key);
  if (it == entries_.end())
    return false;
  it->second.info.probability = probability;
  return true;
}

std::optional<evicted_entry> tier_store::remove(const cache_key& key) {
  auto it = entries_.find(key);
  if (it == entries_.end())
    return std::nullopt;
  evicted_entry out{it->first, it->second.info.probability, std::move(it->second.data)};
  bytes_ -= it->second.info.bytes;
  entries_.erase(it);
  return out;
}

std::size_t tier_store::clear() {
  const auto n = entries_.size();
  entries_.clear();
  bytes_ = 0;
  return n;
}

std::size_t tier_store::invalidate(std::int64_t track_id) {
  std::size_t n = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first.track_id == track_id) {
      bytes_ -= it->second.info.bytes;
      it = entries_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

std::vector<entry_info> tier_store::contents() const {
  std::vector<entry_info> out;
  out.reserve(entries_.size());
  for (const auto& [k, s] : entries_)
    out.push_back(s.info);
  return out;
}

tier_stats tier_store::stats() const {
  tier_stats s;
  s.hits = hits_;
  s.misses = misses_;
  s.bytes = bytes_;
  s.budget = budget_;
  s.count = entries_.size();
  s.evictions = evictions_;
  s.refused = refused_;
  return s;
}

} // namespace auralis::actors
