#pragma once

// Message types of the cache tiers' typed interface.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/common/cache_key.hpp"
#include "codec/byte_buffer.hpp"

namespace auralis::actors {

/// Immutable audio bytes shared between a tier and whoever serves them (no copy per fetch).
using audio_blob = codec::shared_buffer;

/// Bytes a blob holds in memory (heap capacity or whole pages, not only its size).
inline std::uint64_t held_bytes(const audio_blob& b) noexcept {
  return b ? static_cast<std::uint64_t>(b->held_bytes()) : 0;
}

/// How a put ended.
enum class put_status {
  stored,    ///< a new entry
  replaced,  ///< an entry with the same key was replaced
  too_large, ///< the blob is larger than the whole budget; nothing changed
};

/// The three tiers.
enum class tier_id : std::uint8_t {
  l1, ///< hot PCM: the chunks about to play
  l2, ///< predicted branches, PCM
  l3, ///< long-term, Opus-compressed
};

/// "L1", "L2" or "L3".
inline const char* tier_label(tier_id t) noexcept {
  switch (t) {
    case tier_id::l1: return "L1";
    case tier_id::l2: return "L2";
    case tier_id::l3: return "L3";
  }
  return "?";
}

/// Audio bytes in a message: shared inside a process (no copy), copied when serialised.
/// L1/L2 payloads are interleaved 16-bit stereo 48 kHz PCM; L3 payloads are opus_chunk
/// containers.
struct audio_payload {
  audio_blob data;
};

/// Bytes of memory `p` occupies (its buffer's held_bytes(); 0 when empty).
inline std::uint64_t payload_bytes(const audio_payload& p) noexcept {
  return held_bytes(p.data);
}

/// Saving: writes the bytes as a byte vector.
template <class Inspector>
typename std::enable_if<Inspector::reads_state, typename Inspector::result_type>::type
inspect(Inspector& f, audio_payload& x) {
  std::vector<std::uint8_t> bytes;
  if (x.data)
    bytes.assign(x.data->begin(), x.data->end());
  return f(caf::meta::type_name("audio_payload"), bytes);
}

/// Loading: reads a byte vector into a new shared blob.
template <class Inspector>
typename std::enable_if<Inspector::writes_state, typename Inspector::result_type>::type
inspect(Inspector& f, audio_payload& x) {
  std::vector<std::uint8_t> bytes;
  auto result = f(caf::meta::type_name("audio_payload"), bytes);
  x.data = codec::byte_buffer::copy_of(bytes.data(), bytes.size());
  return result;
}

/// An entry leaving a tier (evicted or removed), with its bytes.
struct tier_departure {
  cache_key key;
  double probability = 0;
  audio_payload payload;
};

/// CAF serialisation of tier_departure.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tier_departure& x) {
  return f(caf::meta::type_name("tier_departure"), x.key, x.probability, x.payload);
}

/// The answer to a put.
struct put_reply {
  put_status status = put_status::stored;
  std::vector<tier_departure> evicted; ///< what left to make room, in eviction order
};

/// CAF serialisation of put_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, put_reply& x) {
  return f(caf::meta::type_name("put_reply"), x.status, x.evicted);
}

/// The answer to a get: the bytes if the tier holds the key.
struct get_reply {
  bool found = false;
  audio_payload payload;
};

/// CAF serialisation of get_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, get_reply& x) {
  return f(caf::meta::type_name("get_reply"), x.found, x.payload);
}

/// One held entry, as contents listings and peeks report it.
struct entry_record {
  cache_key key;
  tier_id tier = tier_id::l1;
  double probability = 0;
  std::uint64_t access_count = 0;
  std::uint64_t bytes = 0;
  std::int64_t age_ms = 0;         ///< since it was stored
  std::int64_t idle_ms = 0;        ///< since it was last read
};

/// CAF serialisation of entry_record.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, entry_record& x) {
  return f(caf::meta::type_name("entry_record"), x.key, x.tier, x.probability, x.access_count,
           x.bytes, x.age_ms, x.idle_ms);
}

/// The answer to a peek: the record if the tier holds the key.
struct peek_reply {
  bool found = false;
  entry_record record;
};

/// CAF serialisation of peek_reply.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peek_reply& x) {
  return f(caf::meta::type_name("peek_reply"), x.found, x.record);
}

/// A tier's counters and sizes.
struct tier_report {
  tier_id tier = tier_id::l1;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t bytes = 0;
  std::uint64_t budget = 0;
  std::uint64_t count = 0;
  std::uint64_t evictions = 0;
  std::uint64_t refused = 0;
  std::uint64_t demoted = 0;   ///< evicted entries sent on to be demoted
};

/// CAF serialisation of tier_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tier_report& x) {
  return f(caf::meta::type_name("tier_report"), x.tier, x.hits, x.misses, x.bytes, x.budget,
           x.count, x.evictions, x.refused, x.demoted);
}

/// New probabilities for held entries (entries not held are ignored).
struct probability_update {
  std::vector<cache_key> keys;
  std::vector<double> probabilities; ///< same length as keys
};

/// CAF serialisation of probability_update.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, probability_update& x) {
  return f(caf::meta::type_name("probability_update"), x.keys, x.probabilities);
}

} // namespace auralis::actors
