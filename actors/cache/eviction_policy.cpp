#include "actors/cache/eviction_policy.hpp"

#include <algorithm>
#include <numeric>

namespace auralis::actors {

namespace {

/// Probability, then last access, then key: the order in which entries are given up.
bool less_valuable(const entry_view& a, const entry_view& b) {
  if (a.probability != b.probability)
    return a.probability < b.probability;
  if (a.last_access != b.last_access)
    return a.last_access < b.last_access;
  return *a.key < *b.key;
}

/// Takes indices from `order` until `needed` bytes are covered.
std::vector<std::size_t> take_until(const std::vector<entry_view>& entries,
                                    const std::vector<std::size_t>& order,
                                    std::uint64_t needed) {
  std::vector<std::size_t> out;
  std::uint64_t freed = 0;
  for (std::size_t i : order) {
    if (freed >= needed)
      break;
    out.push_back(i);
    freed += entries[i].bytes;
  }
  return out;
}

} // namespace

std::vector<std::size_t>
probability_lru_policy::choose_victims(const std::vector<entry_view>& entries,
                                       std::uint64_t needed, cache_clock::time_point) const {
  if (needed == 0)
    return {};
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return less_valuable(entries[a], entries[b]); });
  return take_until(entries, order, needed);
}

std::vector<std::size_t>
aged_probability_lru_policy::choose_victims(const std::vector<entry_view>& entries,
                                            std::uint64_t needed,
                                            cache_clock::time_point now) const {
  if (needed == 0)
    return {};
  std::vector<std::size_t> order(entries.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto expired = [&](const entry_view& e) { return now - e.created > max_age_; };
  std::sort(order.begin(), order.end(), [&](std::size_t ia, std::size_t ib) {
    const auto& a = entries[ia];
    const auto& b = entries[ib];
    const bool ea = expired(a), eb = expired(b);
    if (ea != eb)
      return ea;
    if (ea && a.created != b.created)
      return a.created < b.created;
    return less_valuable(a, b);
  });
  return take_until(entries, order, needed);
}

} // namespace auralis::actors
