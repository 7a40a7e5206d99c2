#include "http/connection_limiter.hpp"

#include <algorithm>

namespace auralis::http {

connection_limiter::connection_limiter(std::size_t max_total, std::size_t max_per_client)
  : max_total_(std::max<std::size_t>(max_total, 1)),
    max_per_client_(std::max<std::size_t>(max_per_client, 1)) {}

bool connection_limiter::opened(std::size_t listener, std::uint64_t id,
                                const std::string& address) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, added] = open_.try_emplace({listener, id}, connection{address, {}});
  if (!added)
    return it->second.refusal.empty();
  const std::size_t from_address = ++per_address_[address];
  if (open_.size() > max_total_)
    it->second.refusal = "too many open connections: the server serves " +
                         std::to_string(max_total_) + " at once";
  else if (from_address > max_per_client_)
    it->second.refusal = "too many open connections from " + address + ": the server serves " +
                         std::to_string(max_per_client_) + " per client address at once";
  return it->second.refusal.empty();
}

void connection_limiter::closed(std::size_t listener, std::uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = open_.find({listener, id});
  if (it == open_.end())
    return;
  auto count = per_address_.find(it->second.address);
  if (--count->second == 0)
    per_address_.erase(count);
  open_.erase(it);
}

std::string connection_limiter::refusal_of(std::size_t listener, std::uint64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = open_.find({listener, id});
  return it == open_.end() ? std::string() : it->second.refusal;
}

std::size_t connection_limiter::open() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.size();
}

std::size_t connection_limiter::open_from(const std::string& address) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = per_address_.find(address);
  return it == per_address_.end() ? 0 : it->second;
}

} // namespace auralis::http
