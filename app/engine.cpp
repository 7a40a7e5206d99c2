#include "app/engine.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/core_actors.hpp"
#include "actors/cluster/cluster_door_actor.hpp"
#include "actors/common/probed_actor.hpp"
#include "codec/opus_options.hpp"
#include "config/host_port.hpp"
#include "actors/message_types.hpp"
#include "actors/scheduler_settings.hpp"
#include "dsp/demo_synth.hpp"
#include "http/gateway_actor.hpp"
#include "http/http_metrics.hpp"

namespace auralis::http {

namespace fs = std::filesystem;

struct engine::actors_t {
  event_hub_actor events;
  actors::core_actors core;
  gateway_actor gateway;
  actors::cluster_door door; ///< invalid without cluster.listen

  /// Every actor, in the order they are stopped: the cluster's door (no worker joins a
  /// stopping pool), the hub (it closes the WebSocket connections before the server
  /// stops), then the front end, then the core.
  std::vector<caf::actor_addr> stop_order() const {
    std::vector<caf::actor_addr> order;
    if (door)
      order.push_back(door.address());
    order.push_back(events.address());
    order.push_back(gateway.address());
    for (auto& addr : core.stop_order())
      order.push_back(addr);
    return order;
  }
};

std::string demo_library_dir(const std::string& data_dir) {
  return (fs::path(data_dir) / "demo").string();
}

engine::engine(config::engine_config cfg) : cfg_(std::move(cfg)) {
  std::error_code ec;
  fs::create_directories(cfg_.paths.data_dir, ec);
  if (ec || !fs::is_directory(cfg_.paths.data_dir))
    throw std::runtime_error(cfg_.paths.data_dir + ": data folder cannot be created (" +
                             ec.message() + ")");
  if (cfg_.paths.library_dir) {
    library_root_ = *cfg_.paths.library_dir;
    if (!fs::is_directory(library_root_))
      throw std::runtime_error(library_root_ + ": library folder does not exist");
  } else {
    library_root_ = demo_library_dir(cfg_.paths.data_dir);
    if (!fs::exists(library_root_))
      spdlog::info("library: writing the demo library into {}", library_root_);
    dsp::demo_synth::ensure_demo_library(library_root_);
  }

  const unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  caf_cfg_ = std::make_unique<caf::actor_system_config>();
  actors::apply_scheduler_settings(*caf_cfg_, cores);
  caf_cfg_->set("logger.verbosity", caf::atom("quiet"));
  actors::add_message_types(*caf_cfg_);
  caf_cfg_->add_message_type<hub_report>("auralis::hub_report");
  if (!cfg_.cluster.listen.empty()) {
    caf_cfg_->load<caf::io::middleman>();
    if (cfg_.cluster.tls()) {
      caf_cfg_->openssl_certificate = cfg_.cluster.tls_certificate;
      caf_cfg_->openssl_key = cfg_.cluster.tls_key;
      caf_cfg_->openssl_cafile = cfg_.cluster.tls_ca_file;
      caf_cfg_->load<caf::openssl::manager>();
    }
  }
  system_ = std::make_unique<caf::actor_system>(*caf_cfg_);

  actors_ = std::make_unique<actors_t>();
  event_hub_settings hs;
  hs.queue_limit = cfg_.server.ws_queue_limit;
  std::shared_ptr<actors::probe_registry> probes;
  if (cfg_.server.introspection)
    probes = std::make_shared<actors::probe_registry>();
  actors_->events =
    actors::spawn_probed(*system_, probes.get(), "event-hub", "event_hub", event_hub_actor_impl, hs);
  actors_->core = actors::spawn_core_actors(*system_, cfg_, library_root_, cores,
                                            caf::actor_cast<actors::event_sink>(actors_->events),
                                            {}, probes);

  gateway_settings gs;
  gs.server.metrics = std::make_shared<http_metrics>();
  gs.server.bind = cfg_.server.bind;
  gs.server.port = cfg_.server.port;
  gs.server.threads = cfg_.server.io_threads;
  gs.server.max_body_bytes = cfg_.server.max_body_bytes;
  gs.server.max_url_bytes = cfg_.server.max_url_bytes;
  gs.server.max_header_count = cfg_.server.max_header_count;
  gs.server.max_header_bytes = cfg_.server.max_header_bytes;
  gs.server.header_timeout_s = cfg_.server.header_timeout_s;
  gs.server.body_timeout_s = cfg_.server.body_timeout_s;
  gs.server.max_connections = cfg_.server.max_connections;
  gs.server.max_connections_per_client = cfg_.server.max_connections_per_client;
  gs.timeout = std::chrono::milliseconds(cfg_.server.request_timeout_ms);
  gs.budget_bytes = static_cast<std::uint64_t>(cfg_.tiers.total_mb * 1e6);
  gs.api_token = cfg_.server.api_token;
  gs.presets = cfg_.presets.names();
  gs.chunk_seconds = cfg_.chunk_seconds;
  auto peers = std::make_shared<gateway_peers>();
  peers->core = actors_->core;
  peers->events = actors_->events;
  actors_->gateway = actors::spawn_probed(*system_, probes.get(), "http-gateway", "gateway",
                                          gateway_actor_impl, gs, std::move(peers));

  if (!cfg_.cluster.listen.empty())
    open_cluster();

  std::string failure;
  {
    // Scoped: a living scoped_actor would keep stop() below waiting for it.
    caf::scoped_actor self{*system_};
    self->request(actors_->gateway, std::chrono::seconds(10), port_atom::value)
      .receive([&](std::uint16_t p) { port_ = p; },
               [&](const caf::error& err) { failure = system_->render(err); });
  }
  if (port_ == 0) {
    stop();
    throw std::runtime_error("cannot serve on " + cfg_.server.bind + ":" +
                             std::to_string(cfg_.server.port) + " (" + failure + ")");
  }
}

void engine::open_cluster() {
  const auto& c = cfg_.cluster;
  const auto address = config::parse_host_port(c.listen);
  if (!address) {
    stop();
    throw std::runtime_error("cluster.listen: must be HOST:PORT, not \"" + c.listen + "\"");
  }
  const auto& [host, port] = *address;
  actors::cluster_door_settings ds;
  ds.token = c.token;
  ds.pool = actors_->core.pool;
  ds.library_root = library_root_;
  ds.welcome.presets = cfg_.presets.all();
  ds.welcome.chunk_frames = cfg_.chunk_frames();
  ds.welcome.opus_bitrate_bps = cfg_.opus.bitrate_kbps * 1000;
  ds.welcome.opus_complexity = cfg_.opus.complexity;
  ds.welcome.opus_segments = codec::opus_options{}.segments;
  actors_->door = system_->spawn<caf::detached>(actors::cluster_door_impl, std::move(ds));
  // SO_REUSEADDR: an engine restarted at once gets its port back while the last run's
  // connections to its workers still wait out TIME_WAIT.
  constexpr bool reuse_address = true;
  auto bound = c.tls()
                 ? caf::openssl::publish(actors_->door, port, host.c_str(), reuse_address)
                 : system_->middleman().publish(actors_->door, port, host.c_str(), reuse_address);
  if (!bound) {
    const auto why = system_->render(bound.error());
    stop();
    throw std::runtime_error("cluster.listen: cannot listen for workers on " + c.listen + " (" +
                             why + ")");
  }
  cluster_port_ = *bound;
  spdlog::info("cluster: listening for workers on {}:{}{}{}", host, cluster_port_,
               c.tls() ? " (TLS)" : " (plain TCP)",
               c.token.empty() ? " (no token: any worker is accepted)" : "");
}

engine::~engine() { stop(); }

void engine::stop() {
  if (!system_)
    return;
  if (actors_) {
    actors::stop_in_order(*system_, actors_->stop_order());
    actors_.reset();
  }
  system_->await_all_actors_done();
  system_.reset();
  caf_cfg_.reset();
}

} // namespace auralis::http
