#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/engine_config.hpp"

namespace caf {
class actor_system;
class actor_system_config;
} // namespace caf

namespace auralis::http {

/// The running engine: the actor system with every actor spawned and the HTTP front end
/// serving. Used by `auralis-buffer serve`, the integration tests and the benchmarks.
class engine {
public:
  /// Prepares the data folder (and the demo library when no library folder is set),
  /// spawns the actors and starts serving. Throws std::runtime_error naming what failed
  /// (an unusable folder, a port that cannot be bound).
  explicit engine(config::engine_config cfg);

  /// Stops everything (as stop()).
  ~engine();

  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  /// The port the HTTP server bound.
  std::uint16_t port() const noexcept { return port_; }

  /// The port the cluster listens for workers on (0 without cluster.listen).
  std::uint16_t cluster_port() const noexcept { return cluster_port_; }

  /// The library folder in use (the demo folder when none is configured).
  const std::string& library_root() const noexcept { return library_root_; }

  /// The configuration in force.
  const config::engine_config& config() const noexcept { return cfg_; }

  /// Stops the HTTP server and every actor and waits for them; idempotent.
  void stop();

private:
  struct actors_t;

  /// Spawns the cluster's door and publishes it on cluster.listen; throws
  /// std::runtime_error naming cluster.listen when it cannot.
  void open_cluster();

  config::engine_config cfg_;
  std::string library_root_;
  std::uint16_t port_ = 0;
  std::uint16_t cluster_port_ = 0;
  std::unique_ptr<caf::actor_system_config> caf_cfg_;
  std::unique_ptr<caf::actor_system> system_;
  std::unique_ptr<actors_t> actors_;
};

/// The folder of the demo library inside `data_dir`.
std::string demo_library_dir(const std::string& data_dir);

} // namespace auralis::http
