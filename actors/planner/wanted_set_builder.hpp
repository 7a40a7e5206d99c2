#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/common/cache_key.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/predictor/predictor_messages.hpp"
#include "config/engine_config.hpp"

namespace auralis::actors {

/// What the planner knows of one live listener session.
struct planned_session {
  std::string session_id;
  std::int64_t track_id = 0;
  std::int64_t chunks = 0;          ///< chunks of the track (0 = unknown: nothing planned)
  std::int64_t chunk_idx = 0;       ///< the playing chunk (the one fetched last)
  /// The chunk the listener still hears when the player has fetched chunk_idx ahead of
  /// it (chunk_idx - 1); -1 when the playhead is in chunk_idx.
  std::int64_t playhead_chunk = -1;
  std::string preset;               ///< the preset playing now
  std::int32_t intensity_tenths = 10;
  session_mode mode = session_mode::normal;
  std::vector<preset_probability> predictions; ///< most likely first (current one excluded)
  std::vector<branch_scenario> scenarios;      ///< the predictor's branch scenarios
  std::int64_t next_track_id = 0; ///< the track played after this one, ready to render; 0 = none
};

/// One wanted chunk and how likely it is to be fetched (0..1).
struct wanted_entry {
  cache_key key;
  double probability = 0;
  bool room = false; ///< planned only because the tier had room (see wanted_set_builder)
};

/// The wanted set of every tier. A key is wanted in one tier only (the hottest that wants
/// it). L1's and L2's lists are ordered by probability, highest first, ties by key, except
/// that room entries (wanted_entry::room) come after all the others of their tier; L3's
/// list is in the order it was filled (see wanted_set_builder), each part by probability.
struct wanted_set {
  std::vector<wanted_entry> l1, l2, l3;
  std::set<std::int64_t> live_tracks; ///< tracks some planned session plays or goes on to

  /// Where `key` is wanted: tier and probability; nullptr when it is not wanted.
  const std::pair<tier_id, double>* find(const cache_key& key) const;

  /// The list of tier `t`.
  const std::vector<wanted_entry>& of(tier_id t) const;

  /// Every wanted key, all tiers.
  std::vector<cache_key> keys() const;

  /// Wanted keys, all tiers.
  std::size_t size() const noexcept { return l1.size() + l2.size() + l3.size(); }

  std::unordered_map<cache_key, std::pair<tier_id, double>, cache_key_hash> index; ///< key -> tier, probability
};

/// The rules and budgets the wanted-set builder works with.
struct wanted_set_settings {
  config::chunk_range l1_chunks{0, 1}; ///< offsets of the current (and predicted) presets in L1
  double l1_min_probability = 0.15;    ///< a predicted preset joins L1 only above this
  int l1_max_presets = 3;              ///< presets in L1 per session, the current one included
  config::chunk_range l3_chunks{2, 9}; ///< offsets of the current preset in L3
  config::chunk_range room_chunks{0, 1}; ///< offsets every other preset takes when there is room
  std::vector<std::string> presets;    ///< every preset (exploration widens L1 to all)
  std::uint64_t l1_budget_bytes = 18'000'000;
  std::uint64_t l2_budget_bytes = 36'000'000;
  std::uint64_t l3_budget_bytes = 45'000'000;
  std::uint64_t pcm_chunk_bytes = 2'880'000; ///< a full chunk of 16-bit stereo PCM
  std::uint64_t l3_chunk_bytes = 303'158;    ///< an Opus chunk (about PCM / 9.5)
  double stale_probability = 0.05;    ///< held, unwanted, on a track a session plays
  double departed_probability = 0.01; ///< held, on a track no session plays any more
  /// Room entries rank in (stale_probability, stale_probability + room_band]: above every
  /// unwanted entry, so a put for room evicts those first, and below the rules' entries.
  double room_band = 0.04;

  /// The planner's part of `cfg` (budgets in bytes, PCM chunk size from chunk_seconds,
  /// L3 entries estimated at opus.bitrate_kbps).
  static wanted_set_settings from(const config::engine_config& cfg);
};

/// Computes which chunks each tier should hold, without an actor. Per session playing
/// chunk c of preset P (offsets relative to c; chunks outside [c, chunks) are clipped):
/// - L1: P at l1_chunks (+0, +1), probability 0.95 for the first offset (the playing chunk,
///   fetched already) and 1 for the next (0.01 less for each further one), and up
///   to l1_max_presets - 1 predicted presets whose probability is above
///   l1_min_probability at the same offsets, with their probability; offsets past the
///   track's last chunk continue at chunk 0, 1, ... of next_track_id when it is set (a
///   gapless player's next fetch after the last chunk);
/// - L2: every branch scenario's chunks with the scenario's probability;
/// - L3: P at l3_chunks (+2..+9), probability 0.5 falling by 10% per chunk;
/// - exploration: L1 also gets every preset at the current chunk (probability at least
///   1 / number of presets) and the session plans no L3;
/// - settled: L3 runs from l3_chunks.first to the end of the track;
/// - room: every preset not wanted by the rules above at room_chunks (+0, +1), ranked by
///   the predicted probability of the preset (0 when not predicted) and, for equal ones,
///   nearer chunks first, with probability stale_probability + room_band * (0.001 + 0.999
///   * p) * 0.9^offset. They take only what the rules leave of L2, then their place in L3
///   (below), so a tier with room holds the playhead in every preset (a switch to any
///   preset is then served from cache) instead of wasting its budget.
///   While the player has fetched ahead (playhead_chunk = c - 1), the chunk it still
///   plays comes first: a switch now fetches that one.
///   Across sessions the room goes to the likeliest first.
/// The union over sessions keeps the highest probability per key, and a key wanted in a
/// hotter tier is not wanted in a colder one. Each tier is trimmed to its budget
/// (budget / entry size entries) by probability; what L1 cannot hold falls to L2, what L2
/// cannot hold falls to L3. L2 then gives what is left to the room. L3 fills in this order
/// until its budget is reached, each part by probability:
/// 1. what fell from L1 (the next fetch, the likeliest presets at the playhead);
/// 2. the room at the playhead (chunks up to c): a switch fetches it at once and waits for
///    it, so under many sessions it goes before the speculative rest;
/// 3. what fell from L2 (branch scenarios);
/// 4. the L3 rule (the current preset ahead): its chunks are fetched a lead ahead of need,
///    and L1 plans each one a chunk before;
/// 5. the rest of the room.
/// A room key that another session's L3 rule wants too is a rule entry with the rule's
/// probability. With room to spare this is what the rules want plus the room; only a full
/// L3 sees the order. Sessions with no known chunk count plan nothing.
class wanted_set_builder {
public:
  /// Plans with `settings`.
  explicit wanted_set_builder(wanted_set_settings settings);

  /// The wanted set of `sessions`.
  wanted_set plan(const std::vector<planned_session>& sessions) const;

  /// The probability a held entry `key` should have under `wanted`: its wanted
  /// probability; else stale_probability when a session plays its track; else (the track
  /// was left by every session) departed_probability, so it is the first to go.
  double held_probability(const wanted_set& wanted, const cache_key& key) const;

  /// Entries tier `t` can hold within its budget.
  std::size_t capacity(tier_id t) const noexcept;

  /// The settings.
  const wanted_set_settings& settings() const noexcept { return settings_; }

  /// Plans from now on within these tier budgets (bytes, 0 allowed); true when any changed.
  bool set_budgets(std::uint64_t l1, std::uint64_t l2, std::uint64_t l3) noexcept;

private:
  wanted_set_settings settings_;
};

} // namespace auralis::actors
