#include "actors/pool/job_queue.hpp"

#include <algorithm>
#include <iterator>

namespace auralis::actors {

void job_queue::account(const entry& e, int sign) noexcept {
  const std::uint64_t bytes = payload_bytes(e.spec.input);
  const bool speculative = e.spec.priority != job_priority::immediate;
  if (sign > 0) {
    input_bytes_ += bytes;
    if (speculative)
      ++speculative_, speculative_bytes_ += bytes;
  } else {
    input_bytes_ -= bytes;
    if (speculative)
      --speculative_, speculative_bytes_ -= bytes;
  }
}

job_queue::push_result job_queue::push(std::uint64_t id, job_spec spec) {
  job_identity identity{spec.kind, spec.key};
  auto it = by_identity_.find(identity);
  if (it == by_identity_.end()) {
    const auto order = order_of(spec, seq_++);
    by_order_.emplace(order, identity);
    auto added = by_identity_.emplace(identity, entry{id, std::move(spec), order}).first;
    account(added->second, +1);
    return {id, false};
  }
  entry& e = it->second;
  // A listener who wants the Ogg Opus stream of a queued render gets it from that render.
  e.spec.with_stream = e.spec.with_stream || spec.with_stream;
  const auto priority = std::min(e.spec.priority, spec.priority);
  const double probability = std::max(e.spec.probability, spec.probability);
  if (priority != e.spec.priority || probability != e.spec.probability) {
    by_order_.erase(e.order);
    account(e, -1);
    e.spec.priority = priority;
    e.spec.probability = probability;
    // Keep the original arrival so a raised job does not lose its place among equals.
    e.order = order_of(e.spec, std::get<2>(e.order));
    by_order_.emplace(e.order, identity);
    account(e, +1);
  }
  return {e.id, true};
}

queued_job job_queue::take(std::map<order_key, job_identity>::iterator at) {
  auto it = by_identity_.find(at->second);
  account(it->second, -1);
  queued_job out{it->second.id, std::move(it->second.spec)};
  by_identity_.erase(it);
  by_order_.erase(at);
  return out;
}

std::optional<queued_job> job_queue::pop() {
  if (by_order_.empty())
    return std::nullopt;
  return take(by_order_.begin());
}

std::optional<queued_job>
job_queue::pop_first(const std::function<bool(const job_identity&)>& wanted,
                     job_priority lowest) {
  for (auto it = by_order_.begin();
       it != by_order_.end() && std::get<0>(it->first) <= static_cast<std::uint8_t>(lowest); ++it)
    if (wanted(it->second))
      return take(it);
  return std::nullopt;
}

std::optional<queued_job>
job_queue::pop_preferring(const std::function<bool(const job_identity&)>& prefer,
                          job_priority lowest) {
  if (auto q = pop_first(prefer, lowest))
    return q;
  return pop();
}

std::optional<job_priority> job_queue::top_priority() const {
  if (by_order_.empty())
    return std::nullopt;
  return static_cast<job_priority>(std::get<0>(by_order_.begin()->first));
}

std::optional<std::uint64_t> job_queue::find(const job_identity& identity) const {
  auto it = by_identity_.find(identity);
  if (it == by_identity_.end())
    return std::nullopt;
  return it->second.id;
}

std::optional<job_priority> job_queue::priority_of(const job_identity& identity) const {
  auto it = by_identity_.find(identity);
  if (it == by_identity_.end())
    return std::nullopt;
  return it->second.spec.priority;
}

bool job_queue::remove(const job_identity& identity) {
  auto it = by_identity_.find(identity);
  if (it == by_identity_.end())
    return false;
  account(it->second, -1);
  by_order_.erase(it->second.order);
  by_identity_.erase(it);
  return true;
}

std::vector<std::uint64_t>
job_queue::drop_if(const std::function<bool(const job_spec&)>& stale) {
  std::vector<std::uint64_t> dropped;
  for (auto it = by_identity_.begin(); it != by_identity_.end();) {
    if (stale(it->second.spec)) {
      dropped.push_back(it->second.id);
      account(it->second, -1);
      by_order_.erase(it->second.order);
      it = by_identity_.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

std::optional<std::uint64_t> job_queue::shed_least_urgent() {
  if (by_order_.empty())
    return std::nullopt;
  auto last = std::prev(by_order_.end());
  if (static_cast<job_priority>(std::get<0>(last->first)) == job_priority::immediate)
    return std::nullopt;
  auto it = by_identity_.find(last->second);
  const auto id = it->second.id;
  account(it->second, -1);
  by_identity_.erase(it);
  by_order_.erase(last);
  return id;
}

std::vector<std::size_t> job_queue::counts_by_priority() const {
  std::vector<std::size_t> counts(5, 0); // immediate .. background
  for (const auto& [order, identity] : by_order_)
    ++counts[std::get<0>(order)];
  return counts;
}

} // namespace auralis::actors
