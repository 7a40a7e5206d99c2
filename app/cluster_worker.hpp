#pragma once

#include <cstdint>
#include <string>

namespace auralis::actors {

/// How `auralis-buffer worker` runs.
struct cluster_worker_options {
  std::string engine_host;      ///< the engine's cluster.listen host
  std::uint16_t engine_port = 0;
  unsigned threads = 1;         ///< job actors (one local worker thread each), >= 1
  std::string token;            ///< the engine's cluster.token
  std::string name;             ///< this host's name in the engine's figures ("" = hostname)
  std::string cache_dir;        ///< where copies of source files go
  std::uint64_t cache_bytes = 2'000'000'000; ///< at most this much of them
  /// TLS (the engine's cluster.tls_*): this worker's certificate and key (PEM) and the CA
  /// file the engine's certificate must be signed by; all empty = plain TCP.
  std::string tls_certificate;
  std::string tls_key;
  std::string tls_ca_file;
};

/// Exit codes of run_cluster_worker.
inline constexpr int worker_exit_ok = 0;       ///< stopped by a signal
inline constexpr int worker_exit_refused = 2;  ///< refused (token, protocol) or bad options

/// Joins the engine's pool and runs its jobs until the process is stopped: connects (and
/// again every 2 s while the engine cannot be reached), says hello, spawns `threads` job
/// actors over local workers set up as the engine's, hands them to the pool, and when the
/// engine goes away starts over. A refusal is logged and returns worker_exit_refused.
int run_cluster_worker(const cluster_worker_options& options);

} // namespace auralis::actors
