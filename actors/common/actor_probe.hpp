#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/common/duration_histogram.hpp"

namespace auralis::actors {

/// One actor's figures at one moment (actor_probe::figures).
struct actor_figures {
  std::string name;           ///< e.g. "tier-l1", "worker-0"
  std::string kind;           ///< e.g. "tier", "worker"
  std::uint64_t id = 0;       ///< CAF actor id (0 until spawned)
  bool alive = true;          ///< false once the actor stopped
  std::uint64_t messages = 0; ///< messages handled
  std::vector<std::pair<std::string, std::uint64_t>> by_kind; ///< messages handled per kind
  std::uint64_t mailbox = 0;     ///< messages waiting now
  std::uint64_t mailbox_max = 0; ///< the most that ever waited at once
  std::uint64_t dropped = 0;     ///< messages that arrived after the actor stopped
  duration_histogram mailbox_time;    ///< from enqueue to the start of handling
  duration_histogram processing_time; ///< handling, per message
  double busy_share = 0;      ///< handling time / wall time over the current second and the
                              ///< 9 before it (0..1; since the start when younger)
  std::uint64_t errors = 0;   ///< errors reported by the actor
  std::string last_error;     ///< the last one ("" = none)
  double last_error_at = 0;   ///< when, seconds since the Unix epoch (0 = none)
  std::uint64_t restarts = 0; ///< times an actor of this name was replaced after stopping
};

/// Measures one actor from the inside: its mailbox (every message is stamped when it is
/// enqueued and looked up when the actor takes it), the time each message spends waiting
/// and being handled, its busy share over a sliding 10 s window, and the errors the actor
/// reports. Thread-safe: enqueue is called from any sender's thread, begin/end from the
/// actor's, figures from any reader's.
class actor_probe {
public:
  using clock = std::chrono::steady_clock;

  /// The probe of an actor called `name` of `kind`, created at `now`.
  actor_probe(std::string name, std::string kind, clock::time_point now = clock::now());

  actor_probe(const actor_probe&) = delete;
  actor_probe& operator=(const actor_probe&) = delete;

  /// The actor's CAF id, once spawned.
  void set_id(std::uint64_t id);

  /// `element` entered the mailbox at `now`; it identifies the message until taken or dropped.
  void enqueued(const void* element, clock::time_point now);

  /// `element` was refused by a closed mailbox: counted as dropped if it was still waiting.
  void dropped(const void* element);

  /// The actor starts handling `element` (of the kind `kind_key`; `name_of()` names a kind
  /// seen for the first time) at `now`. An element never stamped counts no mailbox time.
  template <class NameOf>
  void begin(const void* element, std::uint64_t kind_key, clock::time_point now,
             NameOf&& name_of) {
    std::lock_guard<std::mutex> lock{mutex_};
    begin_locked(element, now);
    auto it = kinds_.find(kind_key);
    if (it == kinds_.end())
      it = kinds_.emplace(kind_key, kind_count{name_of(), 0}).first;
    ++it->second.count;
  }

  /// The actor finished the message begun last, at `now`.
  void end(clock::time_point now);

  /// The actor reports an error (logged elsewhere): counted, and kept as the last one.
  void error(std::string text);

  /// The actor stopped: alive false, waiting messages forgotten.
  void stopped();

  /// Whether the actor still runs.
  bool alive() const;

  /// Carries `restarts` + 1 over from the probe of the actor this one replaces.
  void replaces(const actor_probe& old);

  /// The figures at `now`.
  actor_figures figures(clock::time_point now = clock::now()) const;

  /// The actor's name.
  const std::string& name() const noexcept { return name_; }

private:
  /// Seconds in the busy-share window.
  static constexpr std::size_t window_seconds = 10;

  struct kind_count {
    std::string name;
    std::uint64_t count = 0;
  };

  void begin_locked(const void* element, clock::time_point now);
  /// Adds `ns` of handling to the second `second` (since created_).
  void add_busy(std::int64_t second, std::int64_t ns);

  const std::string name_;
  const std::string kind_;
  const clock::time_point created_;
  mutable std::mutex mutex_;
  std::uint64_t id_ = 0;
  bool alive_ = true;
  std::unordered_map<const void*, clock::time_point> waiting_;
  std::uint64_t mailbox_max_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t messages_ = 0;
  std::unordered_map<std::uint64_t, kind_count> kinds_;
  duration_histogram mailbox_time_;
  duration_histogram processing_time_;
  bool handling_ = false;
  clock::time_point handling_since_{};
  std::array<std::int64_t, window_seconds> busy_ns_{};
  std::array<std::int64_t, window_seconds> busy_second_{};
  std::uint64_t errors_ = 0;
  std::string last_error_;
  double last_error_at_ = 0;
  std::uint64_t restarts_ = 0;
};

/// The probe of the actor handling a message on this thread; null outside measured actors.
actor_probe* current_probe() noexcept;

/// Makes `p` the current probe of this thread (probed_actor, around each message).
void set_current_probe(actor_probe* p) noexcept;

/// Reports `text` as an error of the actor handling a message on this thread (counted and
/// kept as its last error); nothing outside measured actors.
void report_actor_error(std::string text);

} // namespace auralis::actors
