#include "actors/predictor/session_registry.hpp"

#include <stdexcept>

namespace auralis::actors {

session_registry::session_registry(std::size_t max_sessions, double idle_timeout_s)
  : max_sessions_(max_sessions), idle_timeout_s_(idle_timeout_s) {
  if (max_sessions == 0 || !(idle_timeout_s > 0))
    throw std::invalid_argument("session_registry: needs room for a session and a timeout > 0");
}

bool session_registry::expired(const listener_session& s, time_point now) const {
  return std::chrono::duration<double>(now - s.last_activity()).count() >= idle_timeout_s_;
}

listener_session* session_registry::find(const std::string& id, time_point now) {
  auto it = sessions_.find(id);
  if (it == sessions_.end())
    return nullptr;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return nullptr;
  }
  return &it->second;
}

const listener_session* session_registry::peek(const std::string& id, time_point now) const {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || expired(it->second, now))
    return nullptr;
  return &it->second;
}

listener_session& session_registry::obtain(const std::string& id, time_point now,
                                           bool& created) {
  if (auto* s = find(id, now)) {
    created = false;
    return *s;
  }
  if (sessions_.size() >= max_sessions_)
    expire(now);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
      if (it->second.last_activity() < oldest->second.last_activity())
        oldest = it;
    sessions_.erase(oldest);
  }
  created = true;
  return sessions_.emplace(id, listener_session(id, now)).first->second;
}

std::size_t session_registry::expire(time_point now) {
  std::size_t removed = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (expired(it->second, now)) {
      it = sessions_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

} // namespace auralis::actors
