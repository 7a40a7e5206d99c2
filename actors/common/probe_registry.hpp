#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/common/actor_probe.hpp"

namespace auralis::actors {

/// What the probes of a registry add up to.
struct system_figures {
  std::uint64_t running_actors = 0;  ///< probed actors alive
  std::uint64_t queued_messages = 0; ///< waiting in their mailboxes
  std::uint64_t dropped_messages = 0; ///< sent to them after they stopped
};

/// The probes of one engine's actors, in the order they were made. Thread-safe.
class probe_registry {
public:
  /// A new probe for the actor `name` of `kind`. When a stopped actor of that name is
  /// registered, the new probe takes its place and counts one restart more.
  std::shared_ptr<actor_probe> make(std::string name, std::string kind);

  /// Every probe's figures, in registration order (stopped actors included).
  std::vector<actor_figures> figures() const;

  /// The totals over `figures`.
  static system_figures totals(const std::vector<actor_figures>& figures);

private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<actor_probe>> probes_;
};

} // namespace auralis::actors
