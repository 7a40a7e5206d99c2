#include "http/engine.hpp"

#include <filesystem>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/demotion_actor.hpp"
#include "actors/library_actor.hpp"
#include "actors/tier_actor.hpp"
#include "actors/worker_pool_actor.hpp"
#include "actors/message_types.hpp"
#include "dsp/demo_synth.hpp"
#include "http/gateway_actor.hpp"

namespace auralis::http {

namespace fs = std::filesystem;

struct engine::actors_t {
  actors::library_actor library;
  actors::worker_pool_actor pool;
  actors::tier_actor l1, l2, l3;
  actors::demotion_sink demotion;
  gateway_actor gateway;

  /// Every actor, in the order they are stopped (the front end first).
  std::vector<caf::actor_addr> stop_order() const {
    return {gateway.address(), l1.address(), l2.address(), demotion.address(),
            l3.address(), pool.address(), library.address()};
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

  // Refuse a fixed port that is taken before any actor starts (the server binds it again
  // right after, with the same address-reuse rule).
  if (cfg_.server.port != 0) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io);
    boost::system::error_code bec;
    const auto address = boost::asio::ip::make_address(cfg_.server.bind, bec);
    const boost::asio::ip::tcp::endpoint endpoint(address, cfg_.server.port);
    if (!bec)
      probe.open(endpoint.protocol(), bec);
    if (!bec)
      probe.set_option(boost::asio::socket_base::reuse_address(true), bec);
    if (!bec)
      probe.bind(endpoint, bec);
    if (bec)
      throw std::runtime_error("cannot serve on " + cfg_.server.bind + ":" +
                               std::to_string(cfg_.server.port) + " (" + bec.message() + ")");
  }

  const unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  caf_cfg_ = std::make_unique<caf::actor_system_config>();
  caf_cfg_->set("scheduler.max-threads", static_cast<std::size_t>(cores));
  caf_cfg_->set("logger.verbosity", caf::atom("quiet"));
  actors::add_message_types(*caf_cfg_);
  system_ = std::make_unique<caf::actor_system>(*caf_cfg_);

  actors_ = std::make_unique<actors_t>();
  const auto ids_file = (fs::path(cfg_.paths.data_dir) / "track-ids.json").string();
  actors_->library = system_->spawn<caf::detached>(actors::library_actor_impl, library_root_,
                                                   ids_file, cfg_.chunk_frames());

  actors::pool_settings ps;
  ps.workers = cfg_.worker_count > 0 ? static_cast<std::size_t>(cfg_.worker_count) : cores;
  ps.opus.bitrate_bps = cfg_.opus.bitrate_kbps * 1000;
  ps.opus.complexity = cfg_.opus.complexity;
  const auto seconds = [](double s) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0));
  };
  ps.timeouts[0] = seconds(cfg_.planner.timeout_immediate_s);
  ps.timeouts[1] = seconds(cfg_.planner.timeout_l1_s);
  ps.timeouts[2] = seconds(cfg_.planner.timeout_l2_s);
  ps.timeouts[3] = seconds(cfg_.planner.timeout_l3_s);
  actors_->pool = system_->spawn(actors::worker_pool_actor_impl, ps);

  const auto mb = [](double m) { return static_cast<std::uint64_t>(m * 1e6); };
  actors::tier_settings l3s;
  l3s.tier = actors::tier_id::l3;
  l3s.budget_bytes = mb(cfg_.tiers.l3_mb);
  l3s.max_age_s = cfg_.tiers.l3_max_age_s;
  actors_->l3 = system_->spawn(actors::tier_actor_impl, l3s);
  actors_->demotion = system_->spawn(actors::demotion_actor_impl, actors_->pool, actors_->l3);
  actors::tier_settings l1s;
  l1s.tier = actors::tier_id::l1;
  l1s.budget_bytes = mb(cfg_.tiers.l1_mb);
  l1s.demote_floor = cfg_.tiers.demote_probability_floor;
  l1s.demote_to = actors_->demotion;
  actors_->l1 = system_->spawn(actors::tier_actor_impl, l1s);
  auto l2s = l1s;
  l2s.tier = actors::tier_id::l2;
  l2s.budget_bytes = mb(cfg_.tiers.l2_mb);
  actors_->l2 = system_->spawn(actors::tier_actor_impl, l2s);

  gateway_settings gs;
  gs.bind = cfg_.server.bind;
  gs.port = cfg_.server.port;
  gs.threads = 2;
  gs.timeout = std::chrono::milliseconds(cfg_.server.request_timeout_ms);
  gs.budget_bytes = static_cast<std::uint64_t>(cfg_.tiers.total_mb * 1e6);
  gateway_peers peers;
  peers.library = actors_->library;
  peers.l1 = actors_->l1;
  peers.l2 = actors_->l2;
  peers.l3 = actors_->l3;
  actors_->gateway = system_->spawn(gateway_actor_impl, gs, peers);

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

engine::~engine() { stop(); }

void engine::stop() {
  if (!system_)
    return;
  if (actors_) {
    // One at a time, waiting for each to go down, so that no actor outlives the
    // peers it still sends to (the front end first, the library last).
    caf::scoped_actor self{*system_};
    for (const auto& addr : actors_->stop_order()) {
      auto hdl = caf::actor_cast<caf::actor>(addr);
      if (!hdl)
        continue;
      self->monitor(hdl);
      self->send_exit(hdl, caf::exit_reason::user_shutdown);
      self->receive([](const caf::down_msg&) {},
                    caf::after(std::chrono::seconds(10)) >> [&] {
                      spdlog::warn("engine: an actor took over 10 s to stop");
                    });
    }
    actors_.reset();
  }
  system_->await_all_actors_done();
  system_.reset();
  caf_cfg_.reset();
}

} // namespace auralis::http
