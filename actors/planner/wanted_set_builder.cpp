#include "actors/planner/wanted_set_builder.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace auralis::actors {

namespace {

/// Candidates of one tier: key -> highest probability asked for.
using candidate_map = std::map<cache_key, double>;

void want(candidate_map& m, const cache_key& key, double p) {
  if (!(p > 0))
    return;
  auto [it, inserted] = m.emplace(key, p);
  if (!inserted)
    it->second = std::max(it->second, p);
}

/// Ordered by probability (highest first), ties by key.
std::vector<wanted_entry> ordered(const candidate_map& m) {
  std::vector<wanted_entry> out;
  out.reserve(m.size());
  for (const auto& [key, p] : m)
    out.push_back({key, p});
  std::stable_sort(out.begin(), out.end(), [](const wanted_entry& a, const wanted_entry& b) {
    return a.probability > b.probability;
  });
  return out;
}

const std::vector<wanted_entry> no_entries;

} // namespace

const std::pair<tier_id, double>* wanted_set::find(const cache_key& key) const {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &it->second;
}

const std::vector<wanted_entry>& wanted_set::of(tier_id t) const {
  switch (t) {
    case tier_id::l1: return l1;
    case tier_id::l2: return l2;
    case tier_id::l3: return l3;
  }
  return no_entries;
}

std::vector<cache_key> wanted_set::keys() const {
  std::vector<cache_key> out;
  out.reserve(size());
  for (const auto* list : {&l1, &l2, &l3})
    for (const auto& e : *list)
      out.push_back(e.key);
  return out;
}

wanted_set_settings wanted_set_settings::from(const config::engine_config& cfg) {
  wanted_set_settings s;
  s.l1_chunks = cfg.planner.l1_chunks;
  s.l1_min_probability = cfg.planner.l1_min_probability;
  s.l1_max_presets = cfg.planner.l1_max_presets;
  s.l3_chunks = cfg.planner.l3_chunks;
  s.room_chunks = cfg.planner.room_chunks;
  s.presets = cfg.presets.names();
  const auto mb = [](double m) { return static_cast<std::uint64_t>(m * 1e6); };
  s.l1_budget_bytes = mb(cfg.tiers.l1_mb);
  s.l2_budget_bytes = mb(cfg.tiers.l2_mb);
  s.l3_budget_bytes = mb(cfg.tiers.l3_mb);
  s.pcm_chunk_bytes = static_cast<std::uint64_t>(cfg.chunk_frames()) * 4u;
  // Opus at the configured bitrate, plus a little container overhead.
  const double opus_bytes = cfg.chunk_seconds * cfg.opus.bitrate_kbps * 1000.0 / 8.0 * 1.01;
  s.l3_chunk_bytes = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(opus_bytes)));
  return s;
}

wanted_set_builder::wanted_set_builder(wanted_set_settings settings)
  : settings_(std::move(settings)) {
  settings_.pcm_chunk_bytes = std::max<std::uint64_t>(1, settings_.pcm_chunk_bytes);
  settings_.l3_chunk_bytes = std::max<std::uint64_t>(1, settings_.l3_chunk_bytes);
}

bool wanted_set_builder::set_budgets(std::uint64_t l1, std::uint64_t l2, std::uint64_t l3) noexcept {
  auto& s = settings_;
  const bool changed = s.l1_budget_bytes != l1 || s.l2_budget_bytes != l2 || s.l3_budget_bytes != l3;
  s.l1_budget_bytes = l1;
  s.l2_budget_bytes = l2;
  s.l3_budget_bytes = l3;
  return changed;
}

std::size_t wanted_set_builder::capacity(tier_id t) const noexcept {
  switch (t) {
    case tier_id::l1: return settings_.l1_budget_bytes / settings_.pcm_chunk_bytes;
    case tier_id::l2: return settings_.l2_budget_bytes / settings_.pcm_chunk_bytes;
    case tier_id::l3: return settings_.l3_budget_bytes / settings_.l3_chunk_bytes;
  }
  return 0;
}

wanted_set wanted_set_builder::plan(const std::vector<planned_session>& sessions) const {
  const auto& s = settings_;
  candidate_map c1, c2, c3, ahead, room;
  std::set<cache_key> at_playhead; // room keys a switch fetches now
  wanted_set out;
  for (const auto& ses : sessions) {
    if (ses.chunks <= 0 || ses.chunk_idx < 0 || ses.chunk_idx >= ses.chunks)
      continue;
    out.live_tracks.insert(ses.track_id);
    const auto c = ses.chunk_idx;
    auto key_of = [&](const std::string& preset, std::int64_t chunk) {
      return cache_key{ses.track_id, preset, ses.intensity_tenths, chunk};
    };
    auto add = [&](candidate_map& m, const std::string& preset, std::int64_t chunk, double p) {
      if (chunk >= c && chunk < ses.chunks)
        want(m, key_of(preset, chunk), p);
    };
    // L1 offsets run on into the next track, when the player said which one it is.
    auto add_l1 = [&](const std::string& preset, std::int64_t chunk, double p) {
      if (chunk < ses.chunks || ses.next_track_id <= 0)
        add(c1, preset, chunk, p);
      else if (chunk >= c)
        want(c1, cache_key{ses.next_track_id, preset, ses.intensity_tenths, chunk - ses.chunks},
             p);
    };
    if (ses.next_track_id > 0 && c + s.l1_chunks.last >= ses.chunks)
      out.live_tracks.insert(ses.next_track_id);

    // L1: the current preset, then the likeliest predicted presets, at the L1 offsets.
    // The chunk after the playing one is the next fetch; the playing one was fetched
    // already (it matters again on a seek back), so it ranks just below.
    for (int k = s.l1_chunks.first; k <= s.l1_chunks.last; ++k)
      add_l1(ses.preset, c + k,
          k == s.l1_chunks.first && k < s.l1_chunks.last ? 0.95
                                                          : 1.0 - 0.01 * (k - s.l1_chunks.first - 1));
    int presets_in_l1 = 1;
    for (const auto& p : ses.predictions) {
      if (presets_in_l1 >= s.l1_max_presets)
        break;
      if (p.preset == ses.preset || !(p.probability > s.l1_min_probability))
        continue;
      ++presets_in_l1;
      for (int k = s.l1_chunks.first; k <= s.l1_chunks.last; ++k)
        add_l1(p.preset, c + k, p.probability * (1.0 - 0.01 * (k - s.l1_chunks.first)));
    }
    if (ses.mode == session_mode::exploration && !s.presets.empty()) {
      const double floor = 1.0 / static_cast<double>(s.presets.size());
      for (const auto& name : s.presets) {
        if (name == ses.preset)
          continue;
        double p = floor;
        for (const auto& pr : ses.predictions)
          if (pr.preset == name)
            p = std::max(p, pr.probability);
        add(c1, name, c + s.l1_chunks.first, p);
      }
    }

    // L2: the branch scenarios.
    for (const auto& b : ses.scenarios)
      for (auto chunk = b.first_chunk; chunk <= b.last_chunk; ++chunk)
        add(c2, b.preset, chunk, b.probability);

    // L3: the current preset further ahead (off while exploring, deeper when settled).
    if (ses.mode != session_mode::exploration) {
      const std::int64_t last = ses.mode == session_mode::settled
                                  ? ses.chunks - 1
                                  : c + static_cast<std::int64_t>(s.l3_chunks.last);
      double p = 0.5;
      for (auto chunk = c + s.l3_chunks.first; chunk <= last && chunk < ses.chunks; ++chunk) {
        add(ahead, ses.preset, chunk, p);
        p *= 0.9;
      }
    }

    // Room: every preset at the room offsets, ranked by how likely a switch to it is;
    // first the chunk still playing when the player has fetched the next one already.
    std::vector<std::int64_t> room_at;
    if (ses.playhead_chunk >= 0 && ses.playhead_chunk == c - 1)
      room_at.push_back(ses.playhead_chunk);
    for (int k = s.room_chunks.first; k <= s.room_chunks.last; ++k)
      room_at.push_back(c + k);
    for (const auto& name : s.presets) {
      double predicted = 0;
      for (const auto& pr : ses.predictions)
        if (pr.preset == name)
          predicted = pr.probability;
      double rank = 0.001 + 0.999 * std::clamp(predicted, 0.0, 1.0);
      for (const auto chunk : room_at) {
        // The playing rendition of the chunk still playing was fetched already.
        const bool playing = chunk == ses.playhead_chunk && name == ses.preset;
        if (!playing && chunk >= 0 && chunk < ses.chunks) {
          const auto k = key_of(name, chunk);
          want(room, k, s.stale_probability + s.room_band * rank);
          if (chunk <= c)
            at_playhead.insert(k);
        }
        rank *= 0.9;
      }
    }
  }

  // Trim each tier to its budget, hottest first; what does not fit falls one tier down.
  auto settle = [&](candidate_map& here, candidate_map* below, std::size_t cap,
                    std::vector<wanted_entry>& into, tier_id t) {
    for (auto& e : ordered(here)) {
      if (out.index.count(e.key))
        continue; // wanted in a hotter tier already
      if (into.size() < cap) {
        out.index.emplace(e.key, std::make_pair(t, e.probability));
        into.push_back(std::move(e));
      } else if (below) {
        want(*below, e.key, e.probability);
      }
    }
  };
  settle(c1, &c2, capacity(tier_id::l1), out.l1, tier_id::l1);
  settle(c2, &c3, capacity(tier_id::l2), out.l2, tier_id::l2);
  // L3, in the order wanted_set_builder documents. First what fell from L1.
  candidate_map from_l1;
  for (auto it = c3.begin(); it != c3.end();) {
    if (c1.count(it->first)) {
      from_l1.insert(*it);
      it = c3.erase(it);
    } else {
      ++it;
    }
  }
  settle(from_l1, nullptr, capacity(tier_id::l3), out.l3, tier_id::l3);

  // The probability a rule of L3 (its own, or L2's overflow) wants `k` with; 0 = none.
  auto rule_probability = [&](const cache_key& k) {
    double p = 0;
    for (const auto* m : {&c3, &ahead})
      if (auto it = m->find(k); it != m->end())
        p = std::max(p, it->second);
    return p;
  };
  // Room entries into tier `t`, likeliest first, but for those `skip` names. A key an L3
  // rule wants too (another session's branch or lookahead) is a rule entry with the
  // rule's probability.
  auto fill = [&](const std::vector<wanted_entry>& entries, tier_id t, const auto& skip) {
    auto& into = t == tier_id::l2 ? out.l2 : out.l3;
    const std::size_t cap = capacity(t);
    for (const auto& entry : entries) {
      if (into.size() >= cap)
        break;
      if (out.index.count(entry.key) || skip(entry.key))
        continue;
      auto e = entry;
      const double rule = rule_probability(e.key);
      e.room = !(rule > 0);
      e.probability = std::max(e.probability, rule);
      out.index.emplace(e.key, std::make_pair(t, e.probability));
      into.push_back(std::move(e));
    }
  };
  // What the rules left of L2 goes to the room; keys an L3 rule wants stay L3's.
  const auto room_entries = ordered(room);
  fill(room_entries, tier_id::l2, [&](const cache_key& k) { return rule_probability(k) > 0; });
  // Then L3: the room at the playhead, L2's overflow, the lookahead, the rest of the room.
  fill(room_entries, tier_id::l3, [&](const cache_key& k) { return !at_playhead.count(k); });
  settle(c3, nullptr, capacity(tier_id::l3), out.l3, tier_id::l3);
  settle(ahead, nullptr, capacity(tier_id::l3), out.l3, tier_id::l3);
  fill(room_entries, tier_id::l3, [](const cache_key&) { return false; });
  return out;
}

double wanted_set_builder::held_probability(const wanted_set& wanted, const cache_key& key) const {
  if (const auto* w = wanted.find(key))
    return w->second;
  return wanted.live_tracks.count(key.track_id) ? settings_.stale_probability
                                                : settings_.departed_probability;
}

} // namespace auralis::actors
