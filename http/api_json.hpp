#pragma once

// The JSON bodies of the API's answers (docs/api.md), built from the actors' replies.
// Field names and nesting follow the seed document; extra fields are documented there.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/cache/tier_actor.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/library/track_info.hpp"
#include "actors/memory/memory_governor_actor.hpp"
#include "actors/memory/process_memory.hpp"
#include "actors/planner/planner_messages.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "actors/predictor/predictor_messages.hpp"
#include "config/json_writer.hpp"
#include "http/health_report.hpp"

namespace auralis::http {

/// The three tiers' reports, as one value.
struct tier_reports {
  actors::tier_report l1, l2, l3;

  /// Client fetches: the planner counts exactly one hit (on the tier that served) or one
  /// miss (on L1) per client fetch, so all hits and misses together.
  std::uint64_t client_fetches() const noexcept {
    return l1.hits + l2.hits + l3.hits + l1.misses + l2.misses + l3.misses;
  }
  /// Hits in any tier.
  std::uint64_t total_hits() const noexcept { return l1.hits + l2.hits + l3.hits; }
  /// Bytes the three tiers hold.
  std::uint64_t bytes() const noexcept { return l1.bytes + l2.bytes + l3.bytes; }
};

/// The health figures of `r` with the total budget `budget_bytes` and the predictor's
/// top-1 accuracy.
cache_figures figures_of(const tier_reports& r, std::uint64_t budget_bytes, double accuracy);

/// One track: id, path, title, format, duration_s, chunks, sample_rate, channels.
void write_track(config::json_writer& w, const actors::track_info& t);

/// {"tracks": [track...], "count"}.
std::string tracks_json(const std::vector<actors::track_info>& tracks);

/// {"status": "success", "track": track} (library add and delete).
std::string track_result_json(const actors::track_info& t);

/// GET /api/cache/stats: l1 {size_mb, hit_rate, hits, misses, count, utilization, ...},
/// l2 and l3 (the same), overall {total_hits, total_misses, overall_hit_rate,
/// total_size_mb, client_fetches, budget_mb}, prediction {accuracy, switches_in_session,
/// session_duration_minutes, ...}. hit_rate of a tier = its hits / all client fetches.
std::string stats_json(const tier_reports& r, const actors::predictor_stats& p,
                       std::uint64_t budget_bytes);

/// What the engine holds beyond the tiers, for the stats' "engine" block.
struct engine_figures {
  std::optional<actors::pool_report> pool;          ///< none: the pool did not answer
  std::optional<actors::demotion_report> demotion;  ///< none: no demotion path
  std::optional<actors::governor_report> governor;  ///< none: no memory governor
  std::optional<actors::process_memory> memory;             ///< none: /proc/self/statm unreadable
  std::uint64_t http_timeouts = 0;  ///< requests answered 503 at their deadline
  std::uint64_t sending_bytes = 0;  ///< bytes of answers handed to the server, not yet sent
  std::uint64_t sending = 0;        ///< such answers
};

/// GET /api/cache/stats: stats_json's fields plus "engine" {rss_mb, rss_shared_mb,
/// job_input_mb, queued_job_bytes, running_job_bytes, pool {workers, busy, queued
/// {immediate, l1, l2, l3}, max_queued, max_queued_mb, shed, overload_refusals, job_ms},
/// demotion {waiting, in_flight, backlog_bytes, backlog_mb, budget_mb, dropped, received,
/// stored, refreshed, failed}, memory {limit_mb, outside_tiers_mb, l1_budget_mb,
/// l2_budget_mb, l3_budget_mb, cuts}, http_timeouts, sending_mb, sending}. Blocks whose figures are missing
/// are left out; MB are 10^6 bytes.
std::string stats_json(const tier_reports& r, const actors::predictor_stats& p,
                       std::uint64_t budget_bytes, const engine_figures& e);

/// GET /api/cache/contents: l1_entries, l2_entries, l3_entries (track_id, preset,
/// chunk_idx, tier, access_count, probability, intensity, bytes, age_ms), total_entries.
std::string contents_json(const std::vector<actors::entry_record>& l1,
                          const std::vector<actors::entry_record>& l2,
                          const std::vector<actors::entry_record>& l3);

/// GET /api/cache/predictions: current_preset, current_position, predictions [{preset,
/// probability}], and session_id, track_id, chunk_idx, mode.
std::string predictions_json(const actors::prediction_reply& p);

/// What GET /api/cache/check found.
struct check_result {
  actors::cache_key key;
  std::optional<actors::tier_id> tier; ///< none = not cached
  double intensity = 1;                ///< as asked (the key holds tenths)
  double latency_ms = 0;               ///< moving median of that tier's service time
  std::uint64_t latency_samples = 0;   ///< fetches the median covers (0 = no data yet)
};

/// GET /api/cache/check: track_id, preset, chunk_idx, intensity, is_cached, tier (L1, L2,
/// L3 or null), estimated_latency_ms, latency_samples.
std::string check_json(const check_result& c);

/// POST /api/player/position: session_id, chunk_idx, mode, accepted, outcome,
/// new_session.
std::string position_json(const actors::position_reply& r);

/// GET /api/predictor/model: learning, learned_switches, sessions, transitions [{from, to,
/// count}], accuracy {switches, top1_hits, top3_hits, top1, top3, recent_switches,
/// recent_top1, recent_top3}.
std::string model_json(const actors::model_snapshot& m);

/// {"status": "success", "message": message}.
std::string success_json(const std::string& message);

/// {"status": "success", "message": message, "removed_entries": removed}: a cache clear.
std::string cleared_json(const std::string& message, std::uint64_t removed);

/// DELETE /api/library/tracks/{id}: status, track (as write_track), removed_entries.
std::string track_removed_json(const actors::track_info& t, std::uint64_t removed);

/// POST /api/predictor/learning: {"status": "success", "learning": on}.
std::string learning_json(bool on);

/// GET /api/presets: {"presets": [names in the configured order], "default_preset": the
/// first, "chunk_seconds"}.
std::string presets_json(const std::vector<std::string>& presets, double chunk_seconds);

/// POST /api/predictor/forget: status, message, forgotten_transitions.
std::string forgotten_json(std::uint64_t forgotten);

} // namespace auralis::http
