#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "config/preset.hpp"

namespace auralis::config {

/// An inclusive range of chunk offsets relative to the playing chunk.
struct chunk_range {
  int first = 0;
  int last = 0;
};

/// HTTP front end.
struct server_config {
  std::string bind = "127.0.0.1";
  std::uint16_t port = 8765;          ///< 0 = any free port
  std::uint32_t request_timeout_ms = 5000; ///< answer 503 when an actor takes longer
  std::string api_token;              ///< empty = mutating endpoints are open
  std::uint64_t max_body_bytes = 65536; ///< larger request bodies answer 413
  std::uint32_t ws_queue_limit = 256;   ///< unsent events a WebSocket client may have
  std::uint32_t io_threads = 1;         ///< listeners on the port, one I/O thread each
  std::uint32_t max_url_bytes = 8192;   ///< longer request targets answer 414
  std::uint32_t max_header_count = 100; ///< more header fields answer 431
  std::uint32_t max_header_bytes = 16384; ///< larger header fields (names, values) answer 431
  double header_timeout_s = 10; ///< a request's headers must arrive within this (see body)
  double body_timeout_s = 30;   ///< and its body within this more (one clock for both)
  std::uint32_t max_connections = 512;            ///< open HTTP connections served at once
  std::uint32_t max_connections_per_client = 256; ///< of them from one address; more: 503
  /// Measure every actor (messages, mailbox, handling time) for /api/actors and /metrics;
  /// false leaves the actors unmeasured (the engine's own figures are still served).
  bool introspection = true;
};

/// Files and folders. Relative paths are relative to the working directory, except
/// presets_file, which is relative to the config file's folder.
struct paths_config {
  std::string data_dir = "var";
  std::optional<std::string> library_dir; ///< none = the demo library in data_dir
  std::string presets_file = "presets.json";
};

/// Byte budgets of the tiers, in MB (1 MB = 1,000,000 bytes).
struct tiers_config {
  double l1_mb = 18;
  double l2_mb = 36;
  double l3_mb = 45;
  double total_mb = 99;
  double l3_max_age_s = 300;              ///< L3 may drop entries older than this for room
  double demote_probability_floor = 0.1;  ///< evicted L1/L2 entries above this go to L3
  /// PCM the demotion backlog may hold (waiting and being encoded); 0 drops every demotion.
  double demote_queue_mb = 12;
  int demote_encodes_in_flight = 1;       ///< demotion encodes on the pool at a time, 1..16
  /// Resident memory the process may hold beyond total_mb; when it holds more, the tiers
  /// give the excess up (L2 first, then L3; see actors::memory_governor). 0 = off.
  double overhead_mb = 64;
};

/// Opus settings for L3 and for Ogg Opus answers.
struct opus_config {
  int bitrate_kbps = 160;
  int complexity = 10;
};

/// Planner rules (see docs/architecture.md).
struct planner_config {
  chunk_range l1_chunks{0, 1};
  double l1_min_probability = 0.15;
  int l1_max_presets = 3;
  chunk_range continue_chunks{2, 4};
  double continue_probability = 0.6;
  chunk_range switch_chunks{1, 2};
  double switch_probability_scale = 0.3;
  int switch_top_n = 3;
  double seek_after_s = 120;
  chunk_range seek_chunks{10, 11};
  double seek_probability = 0.05;
  chunk_range toggle_chunks{1, 1};
  double toggle_probability = 0.05;
  chunk_range l3_chunks{2, 9};
  chunk_range room_chunks{0, 1};
  int l2_jobs_per_round = 5;
  int l3_jobs_per_round = 2;
  int room_jobs_per_round = 2;
  double timeout_immediate_s = 20;
  double timeout_l1_s = 30;
  double timeout_l2_s = 60;
  double timeout_l3_s = 90;
};

/// Predictor rules (see docs/architecture.md).
struct predictor_config {
  bool learning = true;
  int history_size = 100;
  double recent_window_s = 300;
  double recent_boost = 1.5;
  int top_n = 3;
  double position_min_interval_ms = 100;
  double switch_min_interval_ms = 500;
  int rapid_interactions = 10;
  double rapid_window_ms = 1000;
  int exploration_switches = 5;
  double exploration_window_s = 300;
  int settled_max_switches = 2;
  double settled_after_s = 600;
  double session_idle_timeout_s = 1800;
  int max_sessions = 1000;
  double user_weight = 0.7;
  double content_weight = 0.3;
  int save_every_switches = 10;
  double save_every_s = 60;
  /// Switches the rolling accuracy figures cover.
  int accuracy_window = 50;
  /// When the transitions counted from one preset reach this total, that preset's counts
  /// are halved, so that old habits fade.
  int row_total_limit = 30;
  /// Cold-start probabilities by preset name.
  std::map<std::string, double> cold_start{
    {"adaptive", 0.5}, {"gentle", 0.2}, {"warm", 0.15}, {"bright", 0.1}, {"punchy", 0.05}};
};

/// Remote render hosts (`auralis-buffer worker`) joining this engine's pool.
struct cluster_config {
  std::string listen;        ///< "HOST:PORT" to accept workers on; "" = no cluster
  std::string token;         ///< shared secret a worker must present; "" = any worker
  int local_workers = -1;    ///< local workers with a cluster: -1 = workers.count, 0 = none
  bool allow_remote_plain = false; ///< listen on a non-loopback address without TLS
  /// TLS for the workers' connections: this engine's certificate and key (PEM) and the CA
  /// file that workers' certificates must be signed by; all three or none.
  std::string tls_certificate;
  std::string tls_key;
  std::string tls_ca_file;

  /// Whether the workers' connections use TLS.
  bool tls() const noexcept { return !tls_certificate.empty(); }
};

/// Everything config/auralis.json holds, plus the presets it points at.
struct engine_config {
  server_config server;
  paths_config paths;
  double chunk_seconds = 15;  ///< length of one chunk; chunk frames = chunk_seconds * 48000
  /// Highest output true peak any preset may aim at, dBTP (audio.max_true_peak_db): a
  /// preset's peak_target_db above it is lowered to it. Opus (L3, format=opus) raises true
  /// peaks by up to about 1.2 dB, so -1.5 keeps lossy answers below 0 dBTP.
  double max_true_peak_db = -1.5;
  tiers_config tiers;
  int worker_count = 0;       ///< 0 = one per core
  int listener_worker_count = 0; ///< workers for listeners' (immediate) jobs alone
  int background_nice = 0;    ///< niceness of the other workers' threads (0..19)
  int reserved_workers = 1;   ///< general workers kept free of L2/L3 work for listeners
  int max_queued_jobs = 64;   ///< speculative jobs (l1, l2, l3) queued in the pool at most
  double max_queued_mb = 24;  ///< MB their inputs may occupy (workers.max_queued_mb)
  opus_config opus;
  planner_config planner;
  predictor_config predictor;
  cluster_config cluster;
  preset_set presets;
  std::string source;         ///< where the config came from, for logs

  /// Frames of one chunk at 48 kHz.
  std::int64_t chunk_frames() const noexcept {
    return static_cast<std::int64_t>(chunk_seconds * 48000.0 + 0.5);
  }
};

} // namespace auralis::config
