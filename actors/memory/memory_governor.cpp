#include "actors/memory/memory_governor.hpp"

#include <algorithm>
#include <stdexcept>

namespace auralis::actors {

memory_governor::memory_governor(tier_budgets configured, std::uint64_t allowance_bytes,
                                 std::uint64_t margin_bytes, std::uint64_t step_bytes)
  : configured_(configured), allowance_(allowance_bytes), margin_(margin_bytes), step_(step_bytes),
    budgets_(configured) {
  if (step_ == 0)
    throw std::invalid_argument("memory_governor: the step must be above 0 bytes");
}

const tier_budgets& memory_governor::update(std::uint64_t rss_bytes,
                                            std::uint64_t tier_bytes) noexcept {
  outside_ = rss_bytes > tier_bytes ? rss_bytes - tier_bytes : 0;
  const std::uint64_t reserved = outside_ + margin_;
  const std::uint64_t room = limit() > reserved ? limit() - reserved : 0;
  // The total the tiers may have now: at once down to the room, by one step at most up.
  std::uint64_t total = std::min(room, configured_.total());
  if (total > budgets_.total())
    total = std::min(total, budgets_.total() + step_);
  tier_budgets next;
  next.l1 = configured_.l1; // never cut
  std::uint64_t left = total > next.l1 ? total - next.l1 : 0;
  // L3 keeps what it can; L2 gives first.
  next.l3 = std::min(configured_.l3, left);
  left -= next.l3;
  next.l2 = std::min(configured_.l2, left);
  if (next.total() < budgets_.total())
    ++cuts_;
  budgets_ = next;
  return budgets_;
}

} // namespace auralis::actors
