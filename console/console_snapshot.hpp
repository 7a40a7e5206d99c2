#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace auralis::console {

/// An answer of the engine that is not the JSON the console reads.
class snapshot_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// One actor's figures (a row of GET /api/actors `actors`).
struct actor_figures {
  std::string name;
  std::string kind;
  std::uint64_t id = 0;
  std::uint64_t messages = 0;      ///< messages handled since the start
  std::uint64_t mailbox = 0;       ///< messages waiting now
  std::uint64_t mailbox_max = 0;
  double busy_share = 0;           ///< share of wall time spent handling messages, 0..1
  double processing_p99_ms = 0;
  std::uint64_t errors = 0;        ///< `errors`, at least 1 when `last_error` is set
  std::string last_error;          ///< "" when none
  std::uint64_t restarts = 0;
};

/// One cache tier against its budget.
struct tier_figures {
  std::uint64_t bytes = 0;
  std::uint64_t budget_bytes = 0;
  std::uint64_t entries = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
};

/// One worker of the pool: a local thread, or one thread of a remote worker host.
struct worker_figures {
  std::string name;
  double busy_share = 0;
  std::uint64_t jobs = 0;
  std::string host;          ///< the remote worker's host name; "" for a local worker
  bool gone = false;         ///< a remote worker the pool gave up (never used again)
  double round_trip_ms = -1; ///< remote: mean round trip per job less its CPU time; -1 unknown
};

/// A remote worker host: its threads still in use, summed up.
struct host_figures {
  std::string host;
  std::size_t threads = 0;
  std::uint64_t jobs = 0;
  double busy_share = 0;     ///< mean over its threads, 0..1
  double round_trip_ms = -1; ///< mean per job over its threads (weighted by jobs); -1 unknown
};

/// The remote hosts among `workers`, in order of first appearance; gone threads are left
/// out, and so is a host with none left.
std::vector<host_figures> remote_hosts(const std::vector<worker_figures>& workers);

/// The worker pool.
struct pool_figures {
  /// Queued jobs per priority, in `priority_names` order.
  std::array<std::uint64_t, 5> queued{};
  std::uint64_t in_flight = 0;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::uint64_t timed_out = 0;
  std::uint64_t worker_count = 0;
  std::vector<worker_figures> workers; ///< empty when the engine gives no per-worker figures
  /// The priorities of `queued`: immediate, l1, l2, l3, background.
  static constexpr std::array<const char*, 5> priority_names{"immediate", "l1", "l2", "l3",
                                                             "background"};
};

/// One listener session the predictor follows.
struct session_figures {
  std::string session_id;
  std::string mode;
  double accuracy = 0;
  std::uint64_t switches = 0;
};

/// One predicted next preset.
struct prediction_figures {
  std::string preset;
  double probability = 0;
};

/// Everything one refresh of the console shows, read from the engine's JSON answers.
/// Parsing is tolerant: a missing field reads as 0 or "", so a newer or older engine does not
/// stop the console; only an answer that is not a JSON object throws snapshot_error.
struct console_snapshot {
  bool has_actors = false;   ///< GET /api/actors answered (else the actor fields are empty)
  /// The engine measures its actors (`system.actors_measured`; true when the field is
  /// missing): false when its introspection is off and `actors` is empty for that reason.
  bool actors_measured = true;
  double uptime_s = 0;       ///< from GET /api/actors; 0 when unknown
  std::uint64_t rss_bytes = 0;
  double cpu_share = 0;      ///< process CPU time / wall time, 0..cores
  std::uint64_t threads = 0;
  std::uint64_t sessions = 0;
  double hit_rate = 0;       ///< overall client hit rate, 0..1
  std::vector<actor_figures> actors;
  pool_figures pool;
  bool pool_detail = false;  ///< in_flight, completed, failed, timed_out and workers are known
  std::array<tier_figures, 3> tiers{}; ///< L1, L2, L3
  std::vector<session_figures> session_list;
  std::string stats_session_id; ///< the session of the stats' `prediction` block
  std::string stats_mode;       ///< its mode, "" when the engine does not know it
  double accuracy = 0;          ///< the predictor's top-1 accuracy
  std::string predictions_session; ///< the session of `predictions`, "" when none fetched
  std::string current_preset;
  std::vector<prediction_figures> predictions;

  /// Reads GET /api/cache/stats: tiers, hit rate, sessions, RSS, pool queues. Throws
  /// snapshot_error when `json` is not a JSON object.
  void apply_stats(std::string_view json);
  /// Reads GET /api/actors (overrides what apply_stats read where both say the same thing)
  /// and sets has_actors. Throws snapshot_error when `json` is not a JSON object.
  void apply_actors(std::string_view json);
  /// Reads GET /api/cache/predictions. Throws snapshot_error when `json` is not an object.
  void apply_predictions(std::string_view json);

  /// The session whose predictions to show: the last one /api/actors lists, else the stats'
  /// session when the engine knows it, else "".
  std::string latest_session() const;
  /// The session modes, distinct, in list order ("normal", "exploring"...).
  std::vector<std::string> modes() const;
  /// One JSON object for `console --once --json`: url, uptime_s, rss_bytes, cpu_share,
  /// sessions, hit_rate, modes, actors, tiers, pool, predictions.
  std::string to_json(const std::string& url) const;
};

} // namespace auralis::console
