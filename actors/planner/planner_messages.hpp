#pragma once

// Messages of the planner (the buffer manager): client fetches and what it reports.

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "actors/common/cache_key.hpp"
#include "actors/common/cache_messages.hpp"

namespace auralis::actors {

/// Where a fetch was served from.
enum class fetch_source : std::uint8_t {
  l1,   ///< hot PCM tier
  l2,   ///< predicted-branch PCM tier
  l3,   ///< Opus tier (decoded on the pool, then promoted to L1)
  miss, ///< rendered on demand (immediate priority), then stored in L1
};

/// Wire name of `s` ("L1", "L2", "L3", "MISS"), as the X-Cache-Tier header says it.
inline const char* to_string(fetch_source s) noexcept {
  switch (s) {
    case fetch_source::l1: return "L1";
    case fetch_source::l2: return "L2";
    case fetch_source::l3: return "L3";
    case fetch_source::miss: return "MISS";
  }
  return "?";
}

/// A client fetch of one rendered chunk for a session.
struct fetch_request {
  std::string session_id; ///< empty = "default"
  cache_key key;          ///< track, preset, intensity (tenths), chunk
  /// The client wants the chunk as an Ogg Opus file (format=opus): a miss renders it with
  /// the stream (job_spec::with_stream) and the reply carries it (fetch_reply::stream).
  bool want_stream = false;
};

/// CAF serialisation of fetch_request.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_request& x) {
  return f(caf::meta::type_name("fetch_request"), x.session_id, x.key, x.want_stream);
}

/// The chunk a fetch returns.
struct fetch_reply {
  cache_key key;
  fetch_source source = fetch_source::miss;
  /// Interleaved 16-bit 48 kHz stereo; empty only when `stream` was made from an L3 entry
  /// without decoding it.
  audio_payload pcm;
  std::int64_t frames = 0;  ///< the chunk's frames (the last chunk of a track may be short)
  /// The chunk as an Ogg Opus file, when the request wanted the stream and either the
  /// chunk was a miss whose render made it or L3 held it (its packets in an Ogg stream).
  /// Empty otherwise (L1 or L2 served it, or the fetch joined a render started without
  /// the stream): the caller encodes `pcm` itself.
  audio_payload stream;
  double service_ms = 0;    ///< wall time from request to reply inside the engine
};

/// CAF serialisation of fetch_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetch_reply& x) {
  return f(caf::meta::type_name("fetch_reply"), x.key, x.source, x.pcm, x.frames, x.stream,
           x.service_ms);
}

/// Moving medians of the real service time of fetches, per source, in milliseconds
/// (0 while a source has served nothing yet), and how many samples each median covers.
struct tier_latency {
  double l1_ms = 0, l2_ms = 0, l3_ms = 0, miss_ms = 0;
  std::uint64_t l1_samples = 0, l2_samples = 0, l3_samples = 0, miss_samples = 0;
};

/// CAF serialisation of tier_latency.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tier_latency& x) {
  return f(caf::meta::type_name("tier_latency"), x.l1_ms, x.l2_ms, x.l3_ms, x.miss_ms,
           x.l1_samples, x.l2_samples, x.l3_samples, x.miss_samples);
}

/// What the planner has under way: work that may still submit jobs or put entries into
/// the tiers without anyone asking.
struct planner_report {
  std::uint64_t sessions = 0;      ///< live sessions
  std::uint64_t in_flight = 0;     ///< planner jobs (renders, encodes, promotions) not back
  std::uint64_t loading = 0;       ///< tracks whose info and analysis are being loaded
  std::uint64_t stream_fetches = 0; ///< fetches that want the stream, not answered yet
  std::uint64_t refreshing = 0;    ///< sessions being refreshed (waiting for the predictor
                                   ///< after a position: a round follows)
  bool planning = false;           ///< a round is running, or another is due after it

  // Counters since start (the planner's own renders for the cache; a client's miss is not
  // one of them).
  std::uint64_t rounds = 0;            ///< planning rounds run
  std::uint64_t wanted_l1 = 0, wanted_l2 = 0, wanted_l3 = 0; ///< entries of the last plan
  std::uint64_t renders_submitted = 0; ///< renders submitted to the pool
  std::uint64_t renders_discarded = 0; ///< came back no longer wanted: not stored
  std::uint64_t renders_failed = 0;    ///< ended in an error (shed, cancelled, pruned, failed)
  /// Renders stored into a tier, and what became of them: fetched by a client, wasted
  /// (gone from every tier, for 10 s or more, without a fetch), invalidated (their track was),
  /// or pending (still held, or briefly in none, unfetched):
  /// stored = fetched + wasted + invalidated + pending.
  std::uint64_t renders_stored = 0;
  std::uint64_t renders_fetched = 0;
  std::uint64_t renders_wasted = 0;
  std::uint64_t renders_invalidated = 0;
  std::uint64_t renders_pending = 0;
  std::uint64_t promotions = 0; ///< L3 entries decoded into L1 ahead of a fetch

  /// Nothing under way: until a message comes in (a position, a fetch, a mode change),
  /// the planner submits no job and puts nothing into a tier.
  bool idle() const noexcept {
    return in_flight == 0 && loading == 0 && stream_fetches == 0 && refreshing == 0 &&
           !planning;
  }
};

/// CAF serialisation of planner_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, planner_report& x) {
  return f(caf::meta::type_name("planner_report"), x.sessions, x.in_flight, x.loading,
           x.stream_fetches, x.refreshing, x.planning, x.rounds, x.wanted_l1, x.wanted_l2,
           x.wanted_l3, x.renders_submitted, x.renders_discarded, x.renders_failed,
           x.renders_stored, x.renders_fetched, x.renders_wasted, x.renders_invalidated,
           x.renders_pending, x.promotions);
}

} // namespace auralis::actors
