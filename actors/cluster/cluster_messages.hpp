#pragma once

// What crosses the network between an engine and the worker processes that join its pool.

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "config/preset.hpp"

namespace auralis::config {

/// CAF serialisation of the presets a worker renders with (they travel in the welcome).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, eq_gains& x) {
  return f(caf::meta::type_name("eq_gains"), x.low_db, x.low_mid_db, x.mid_db, x.high_mid_db,
           x.high_db);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, compressor_params& x) {
  return f(caf::meta::type_name("compressor_params"), x.ratio, x.threshold_db, x.attack_ms,
           x.release_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limiter_params& x) {
  return f(caf::meta::type_name("limiter_params"), x.threshold_db, x.release_ms);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, preset& x) {
  return f(caf::meta::type_name("preset"), x.name, x.eq, x.compressor, x.limiter, x.eq_blend,
           x.dynamics_blend, x.target_lufs, x.peak_target_db);
}

} // namespace auralis::config

namespace auralis::actors {

/// The protocol version of this build; a worker of another version is refused.
inline constexpr std::uint32_t cluster_protocol = 1;

/// A worker process asks to join.
using hello_atom = caf::atom_constant<caf::atom("hello")>;
/// A worker fetches the bytes of a source file it has not cached.
using file_atom = caf::atom_constant<caf::atom("file")>;

/// What a worker process says first.
struct worker_hello {
  std::uint32_t protocol = cluster_protocol;
  std::string token;        ///< the engine's cluster.token (shared secret)
  std::string host;         ///< the worker's host name, for the figures and the logs
  std::uint32_t threads = 1;
};

/// CAF serialisation of worker_hello.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_hello& x) {
  return f(caf::meta::type_name("worker_hello"), x.protocol, x.token, x.host, x.threads);
}

/// The engine's answer to an accepted hello: what its jobs are rendered with, so that a
/// worker's output is byte-identical to a local worker's.
struct worker_welcome {
  std::vector<config::preset> presets; ///< the engine's presets, as its workers use them
  std::int64_t chunk_frames = 0;       ///< 48 kHz frames per chunk
  std::int32_t opus_bitrate_bps = 0;   ///< encode jobs' settings
  std::int32_t opus_complexity = 0;
  std::int32_t opus_segments = 0;
};

/// CAF serialisation of worker_welcome.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, worker_welcome& x) {
  return f(caf::meta::type_name("worker_welcome"), x.presets, x.chunk_frames,
           x.opus_bitrate_bps, x.opus_complexity, x.opus_segments);
}

/// The engine's door for worker processes, published by CAF's middleman on cluster.listen:
/// - hello, worker_hello: the welcome, or engine_errc::invalid_argument naming why the
///   worker is refused (another protocol version, a wrong token); logged on both sides;
/// - join, remote_workers: an accepted worker's job actors join the pool (from a node that
///   was not welcomed: ignored and logged);
/// - file, source_ref: the bytes of a library file, when it still has the listed size and
///   modification time (else engine_errc::source_changed), for an accepted node only, and
///   only files inside the library folder (else invalid_argument).
using cluster_door =
  caf::typed_actor<caf::replies_to<hello_atom, worker_hello>::with<worker_welcome>,
                   caf::reacts_to<join_atom, remote_workers>,
                   caf::replies_to<file_atom, source_ref>::with<audio_payload>>;

} // namespace auralis::actors
