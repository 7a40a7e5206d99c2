#pragma once

// Jobs for the DSP worker pool: what to do, how urgent, and what comes back.

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "actors/common/cache_key.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/common/chunk_features.hpp"

namespace auralis::actors {

/// What a job does. All of it is CPU-heavy and runs on a worker, never in a tier actor.
enum class job_kind : std::uint8_t {
  encode,  ///< 16-bit PCM payload -> opus_chunk blob (for L3)
  decode,  ///< L3 entry (opus_chunk container) -> 16-bit PCM payload (serving or promoting it)
  render,  ///< source file span -> mastered 16-bit PCM payload of key's chunk
  analyse, ///< whole source file -> track_analysis (loudness per preset, chunk features)
  stream,  ///< 16-bit PCM payload -> an Ogg Opus file, answered to a listener (format=opus)
};

/// Name of `k` for logs.
inline const char* to_string(job_kind k) noexcept {
  switch (k) {
    case job_kind::encode: return "encode";
    case job_kind::decode: return "decode";
    case job_kind::render: return "render";
    case job_kind::analyse: return "analyse";
    case job_kind::stream: return "stream";
  }
  return "?";
}

/// Urgency, most urgent first. The pool always starts the most urgent queued job.
enum class job_priority : std::uint8_t {
  immediate = 0, ///< a listener is waiting for it
  l1 = 1,        ///< wanted hot
  l2 = 2,        ///< a predicted branch (ordered by probability)
  l3 = 3,        ///< long-term
  background = 4,///< scan-time work nobody waits for (track analyses), lowest
};

/// Name of `p` for logs.
inline const char* to_string(job_priority p) noexcept {
  switch (p) {
    case job_priority::immediate: return "immediate";
    case job_priority::l1: return "l1";
    case job_priority::l2: return "l2";
    case job_priority::l3: return "l3";
    case job_priority::background: return "background";
  }
  return "?";
}

/// The source file a render or analyse job reads, with the signature it was listed with:
/// a file whose size or mtime differs when the worker opens it fails the job with
/// engine_errc::source_changed.
struct source_ref {
  std::string path;         ///< absolute path
  std::uint64_t size = 0;   ///< bytes, as listed
  std::int64_t mtime_ns = 0;///< modification time, as listed
  std::int64_t frames = 0;  ///< 48 kHz frames of the whole track
};

/// CAF serialisation of source_ref.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, source_ref& x) {
  return f(caf::meta::type_name("source_ref"), x.path, x.size, x.mtime_ns, x.frames);
}

/// What an analyse job measures of one track (kept by the library).
struct track_analysis {
  double source_lufs = 0;                ///< integrated loudness of the source (-inf: silent)
  std::vector<std::string> presets;      ///< preset names, in the order of pre_gain_lufs
  std::vector<double> pre_gain_lufs;     ///< per preset: loudness entering the gain stage
  std::vector<chunk_features> chunks;    ///< content features per chunk of the source
};

/// CAF serialisation of track_analysis.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_analysis& x) {
  return f(caf::meta::type_name("track_analysis"), x.source_lufs, x.presets, x.pre_gain_lufs,
           x.chunks);
}

/// What an analyse job measured of the loudness of its part of a track: the 100 ms
/// sub-block mean squares of the source (programme 0) and of every preset's pre-gain
/// signal (1 + p), which the library joins across parts (dsp::loudness_analyser::combine).
struct analysis_loudness {
  std::int64_t first = 0; ///< 48 kHz timeline frame the part starts at
  std::int64_t end = 0;   ///< frame after the part's last
  std::vector<std::vector<double>> sub_blocks; ///< per programme, in timeline order
};

/// CAF serialisation of analysis_loudness.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, analysis_loudness& x) {
  return f(caf::meta::type_name("analysis_loudness"), x.first, x.end, x.sub_blocks);
}

/// One unit of work. Two jobs with the same kind and key are the same work: the pool runs
/// it once and answers every requester (with_stream is not part of that identity: see
/// job_identity).
struct job_spec {
  job_kind kind = job_kind::encode;
  cache_key key;
  job_priority priority = job_priority::l3;
  double probability = 0; ///< orders jobs of equal priority, higher first
  audio_payload input;    ///< encode, stream: PCM; decode: opus_chunk blob; else unused
  source_ref source;      ///< render, analyse: the file
  double loudness_gain_db = 0; ///< render: the track's gain for key.preset (from analyse)
  /// decode: -1 decodes the whole L3 entry; k >= 0 only its segments k .. k +
  /// segment_count - 1 (a part of the pool's parallel decode; the output then holds those
  /// segments' frames alone, in order).
  std::int32_t segment = -1;
  /// decode with segment >= 0: how many consecutive segments (>= 1); else unused.
  std::uint32_t segment_count = 1;
  /// analyse: the track is measured in this many jobs (>= 1), each over a stretch of
  /// whole chunks; key.chunk_idx is this job's part (analysis_key, analysis_part_chunks).
  std::int32_t analysis_parts = 1;
  /// render: also encode the rendered PCM as an Ogg Opus file (job_output::stream), on the
  /// same worker right after the render, for a listener who asked for format=opus; other
  /// kinds ignore it.
  bool with_stream = false;
};

/// CAF serialisation of job_spec.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_spec& x) {
  return f(caf::meta::type_name("job_spec"), x.kind, x.key, x.priority, x.probability, x.input,
           x.source, x.loudness_gain_db, x.segment, x.segment_count, x.analysis_parts,
           x.with_stream);
}

/// What a job produced.
struct job_output {
  job_kind kind = job_kind::encode;
  cache_key key;
  audio_payload output; ///< encode: opus_chunk blob; decode, render: 16-bit PCM;
                        ///< stream: an Ogg Opus file
  track_analysis analysis; ///< analyse: the presets and the features of the part's chunks
                           ///< (the loudness fields stay 0: see `loudness`)
  analysis_loudness loudness; ///< analyse: the part's loudness measurements
  /// render with job_spec::with_stream: `output` as an Ogg Opus file (as a stream job of
  /// that PCM makes it); else empty.
  audio_payload stream;
  double cpu_ms = 0;    ///< CPU time the worker spent on it (the render and its stream)
  /// render: the worker still held the source span of this chunk from a render of another
  /// preset or intensity, so it skipped the decode and resampling (job_runner).
  bool input_reused = false;
};

/// CAF serialisation of job_output.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, job_output& x) {
  return f(caf::meta::type_name("job_output"), x.kind, x.key, x.output, x.analysis, x.loudness, x.stream,
           x.cpu_ms, x.input_reused);
}

/// The key of part `part` of track `track_id`'s analysis (empty preset, intensity 0,
/// chunk_idx = part): every analyse request of one part of a track is the same job, so the
/// pool runs it once.
inline cache_key analysis_key(std::int64_t track_id, std::int32_t part = 0) {
  return cache_key{track_id, std::string(), 0, part};
}

/// The chunks [first, second) part `part` of `parts` covers of a track of `chunks` chunks:
/// consecutive stretches of about chunks / parts chunks, the later ones the longer.
/// Requires 0 <= part < parts and parts >= 1.
inline std::pair<std::int64_t, std::int64_t> analysis_part_chunks(std::int32_t part,
                                                                  std::int32_t parts,
                                                                  std::int64_t chunks) {
  return {chunks * part / parts, chunks * (part + 1) / parts};
}

/// Identity of a job for de-duplication: (kind, key). A render with job_spec::with_stream
/// and one without are the same job: whichever was queued first is the one that runs, and
/// every waiter gets its output. A waiter that wanted the stream and joined a render
/// without it finds job_output::stream empty and must encode the PCM itself (a stream job).
struct job_identity {
  job_kind kind;
  cache_key key;
  friend bool operator<(const job_identity& a, const job_identity& b) noexcept {
    return std::tie(a.kind, a.key) < std::tie(b.kind, b.key);
  }
};

} // namespace auralis::actors
