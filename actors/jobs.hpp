#pragma once

// Jobs for the DSP worker pool: what to do, how urgent, and what comes back.

#include <cstdint>
#include <string>
#include <tuple>

#include <caf/meta/type_name.hpp>

#include "actors/cache_key.hpp"
#include "actors/cache_messages.hpp"

namespace auralis::actors {

/// What a job does. All of it is CPU-heavy and runs on a worker, never in a tier actor.
enum class job_kind : std::uint8_t {
  encode, ///< 16-bit PCM payload -> opus_chunk blob (for L3)
  decode, ///< opus_chunk blob -> 16-bit PCM payload (serving or promoting an L3 entry)
};

/// Name of `k` for logs.
inline const char* to_string(job_kind k) noexcept {
  switch (k) {
    case job_kind::encode: return "encode";
    case job_kind::decode: return "decode";
  }
  return "?";
}

/// Urgency, most urgent first. The pool always starts the most urgent queued job.
enum class job_priority : std::uint8_t {
  immediate = 0, ///< a listener is waiting for it
  l1 = 1,        ///< wanted hot
  l2 = 2,        ///< a predicted branch (ordered by probability)
  l3 = 3,        ///< long-term, lowest
};

/// Name of `p` for logs.
inline const char* to_string(job_priority p) noexcept {
  switch (p) {
    case job_priority::immediate: return "immediate";
    case job_priority::l1: return "l1";
    case job_priority::l2: return "l2";
    case job_priority::l3: return "l3";
  }
  return "?";
}

/// One unit of work. Two jobs with the same kind and key are the same work: the pool runs
/// it once and answers every requester.
struct job_spec {
  job_kind kind = job_kind::encode;
  cache_key key;
  job_priority priority = job_priority::l3;
  double probability = 0; ///< orders jobs of equal priority, higher first
  audio_payload input;    ///< encode: PCM; decode: opus_chunk blob
};

/// CAF serialisation of job_spec.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_spec& x) {
  return f(caf::meta::type_name("job_spec"), x.kind, x.key, x.priority, x.probability, x.input);
}

/// What a job produced.
struct job_output {
  job_kind kind = job_kind::encode;
  cache_key key;
  audio_payload output; ///< encode: opus_chunk blob; decode: PCM
  double cpu_ms = 0;    ///< CPU time the worker spent on it
};

/// CAF serialisation of job_output.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_output& x) {
  return f(caf::meta::type_name("job_output"), x.kind, x.key, x.output, x.cpu_ms);
}

/// Identity of a job for de-duplication: (kind, key).
struct job_identity {
  job_kind kind;
  cache_key key;
  friend bool operator<(const job_identity& a, const job_identity& b) noexcept {
    return std::tie(a.kind, a.key) < std::tie(b.kind, b.key);
  }
};

} // namespace auralis::actors
