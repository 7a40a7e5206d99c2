#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "actors/predictor/listener_session.hpp"

namespace auralis::actors {

/// The live listener sessions by id, bounded in number and expiring when idle. A session
/// is idle from its last accepted update; it expires once idle for idle_timeout_s or
/// longer (checked lazily on lookup and by expire()). Not thread-safe.
class session_registry {
public:
  using time_point = listener_session::time_point;

  /// At most `max_sessions` (>= 1) sessions; idle ones expire after `idle_timeout_s` (> 0).
  /// Throws std::invalid_argument otherwise.
  session_registry(std::size_t max_sessions, double idle_timeout_s);

  /// The live session `id`, or nullptr; an expired one is removed first.
  listener_session* find(const std::string& id, time_point now);

  /// The live session `id` without removing anything, or nullptr (expired counts as absent).
  const listener_session* peek(const std::string& id, time_point now) const;

  /// The session `id`, created (starting at `now`) when absent or expired; `created` says
  /// which. To make room at the bound, expired sessions go first, then the one idle the
  /// longest (ties: the smallest id).
  listener_session& obtain(const std::string& id, time_point now, bool& created);

  /// Removes every expired session; answers how many.
  std::size_t expire(time_point now);

  /// Live and not yet removed sessions (expired ones count until found or expire()d).
  std::size_t size() const noexcept { return sessions_.size(); }

  /// Calls `fn(listener_session&)` for each held session, by id.
  template <class F>
  void for_each(F&& fn) {
    for (auto& [id, s] : sessions_)
      fn(s);
  }

  /// Calls `fn(const listener_session&)` for each live session (expired ones skipped), by id.
  template <class F>
  void for_each_live(time_point now, F&& fn) const {
    for (const auto& [id, s] : sessions_)
      if (!expired(s, now))
        fn(s);
  }

private:
  bool expired(const listener_session& s, time_point now) const;

  std::size_t max_sessions_;
  double idle_timeout_s_;
  std::map<std::string, listener_session> sessions_;
};

} // namespace auralis::actors
