#include "actors/core_actors.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/probed_actor.hpp"
#include "actors/memory/process_memory.hpp"
#include "actors/predictor/model_store.hpp"

namespace auralis::actors {

namespace fs = std::filesystem;

std::vector<caf::actor_addr> core_actors::stop_order() const {
  std::vector<caf::actor_addr> order;
  if (governor)
    order.push_back(governor.address());
  for (const auto& a : {planner.address(), predictor.address(), l1.address(), l2.address(),
                        demotion.address(), l3.address(), pool.address(), library.address()})
    order.push_back(a);
  return order;
}

core_actors spawn_core_actors(
  caf::actor_system& sys, const config::engine_config& cfg, const std::string& library_root,
  unsigned cores, event_sink events,
  std::function<std::chrono::steady_clock::time_point()> predictor_clock,
  std::shared_ptr<probe_registry> probes) {
  core_actors a;
  a.probes = probes;
  auto* reg = probes.get();
  pool_settings ps;
  ps.workers = cfg.worker_count > 0 ? static_cast<std::size_t>(cfg.worker_count) : cores;
  if (!cfg.cluster.listen.empty()) {
    // Remote workers may join: local ones may be fewer, or none.
    ps.accept_remote = true;
    if (cfg.cluster.local_workers >= 0)
      ps.workers = static_cast<std::size_t>(cfg.cluster.local_workers);
  }
  ps.listener_workers = static_cast<std::size_t>(cfg.listener_worker_count);
  ps.background_nice = cfg.background_nice;
  ps.reserved_workers = static_cast<std::size_t>(cfg.reserved_workers);
  ps.opus.bitrate_bps = cfg.opus.bitrate_kbps * 1000;
  ps.opus.complexity = cfg.opus.complexity;
  ps.presets = cfg.presets;
  ps.chunk_frames = cfg.chunk_frames();
  const auto seconds = [](double s) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0));
  };
  ps.timeouts[0] = seconds(cfg.planner.timeout_immediate_s);
  ps.timeouts[1] = seconds(cfg.planner.timeout_l1_s);
  ps.timeouts[2] = seconds(cfg.planner.timeout_l2_s);
  ps.timeouts[3] = seconds(cfg.planner.timeout_l3_s);
  ps.max_queued_speculative = static_cast<std::size_t>(std::max(1, cfg.max_queued_jobs));
  ps.max_queued_bytes = static_cast<std::uint64_t>(cfg.max_queued_mb * 1e6);
  // A listener's job the pool could not finish before the HTTP answer times out is
  // refused at once (a fast 503 with Retry-After) instead of waiting in vain.
  ps.admission_ms = std::chrono::milliseconds(cfg.server.request_timeout_ms);
  ps.probes = probes;
  a.pool = spawn_probed(sys, reg, "worker-pool", "pool", worker_pool_actor_impl, ps);
  const auto ids_file = (fs::path(cfg.paths.data_dir) / "track-ids.json").string();
  library_analysis_settings analyses;
  analyses.database = (fs::path(cfg.paths.data_dir) / "analyses.sqlite").string();
  analyses.dependencies = analysis_dependencies(cfg.presets, cfg.chunk_frames());
  analyses.background = true;
  a.library = spawn_probed<caf::detached>(sys, reg, "library", "library", library_actor_impl,
                                          library_root, ids_file, cfg.chunk_frames(), a.pool,
                                          analyses);

  const auto mb = [](double m) { return static_cast<std::uint64_t>(m * 1e6); };
  tier_settings l3s;
  l3s.tier = tier_id::l3;
  l3s.budget_bytes = mb(cfg.tiers.l3_mb);
  l3s.max_age_s = cfg.tiers.l3_max_age_s;
  l3s.events = events;
  a.l3 = spawn_probed(sys, reg, "tier-l3", "tier", tier_actor_impl, l3s);
  demotion_settings ds;
  ds.budget_bytes = mb(cfg.tiers.demote_queue_mb);
  ds.max_in_flight = static_cast<std::uint32_t>(std::max(1, cfg.tiers.demote_encodes_in_flight));
  a.demotion = spawn_probed(sys, reg, "demotion", "demotion", demotion_actor_impl, a.pool, a.l3,
                            ds);
  tier_settings l1s;
  l1s.tier = tier_id::l1;
  l1s.budget_bytes = mb(cfg.tiers.l1_mb);
  l1s.demote_floor = cfg.tiers.demote_probability_floor;
  l1s.demote_to = a.demotion;
  l1s.events = events;
  a.l1 = spawn_probed(sys, reg, "tier-l1", "tier", tier_actor_impl, l1s);
  auto l2s = l1s;
  l2s.tier = tier_id::l2;
  l2s.budget_bytes = mb(cfg.tiers.l2_mb);
  a.l2 = spawn_probed(sys, reg, "tier-l2", "tier", tier_actor_impl, l2s);

  predictor_actor_settings pr;
  pr.model = predictor_settings::from(cfg);
  pr.model_file = model_store::default_path(cfg.paths.data_dir);
  pr.clock = predictor_clock;
  a.predictor = spawn_probed(sys, reg, "predictor", "predictor", predictor_actor_impl, pr);

  auto pl = planner_settings::from(cfg);
  pl.predictor = a.predictor;
  pl.pool = a.pool;
  pl.l1 = a.l1;
  pl.l2 = a.l2;
  pl.l3 = a.l3;
  pl.library = a.library;
  pl.demotion = a.demotion;
  pl.events = std::move(events);
  pl.clock = std::move(predictor_clock);
  a.planner = spawn_probed(sys, reg, "planner", "planner", planner_actor_impl, std::move(pl));

  if (cfg.tiers.overhead_mb > 0) {
    governor_settings gs;
    gs.configured = {l1s.budget_bytes, l2s.budget_bytes, l3s.budget_bytes};
    gs.allowance_bytes = mb(cfg.tiers.overhead_mb);
    // Between two samples a worker may allocate its buffers for a job (about 15 MB) and
    // answers may be in flight: the tiers leave that much free.
    gs.margin_bytes = 24'000'000;
    gs.step_bytes = 8'000'000;
    gs.l1 = a.l1;
    gs.l2 = a.l2;
    gs.l3 = a.l3;
    gs.planner = a.planner;
    gs.resident_bytes = []() -> std::optional<std::uint64_t> {
      if (auto m = read_process_memory())
        return m->resident_bytes;
      return std::nullopt;
    };
    a.governor = spawn_probed(sys, reg, "memory-governor", "governor",
                              memory_governor_actor_impl, std::move(gs));
  }
  return a;
}

void stop_in_order(caf::actor_system& sys, const std::vector<caf::actor_addr>& order) {
  caf::scoped_actor self{sys};
  for (const auto& addr : order) {
    auto hdl = caf::actor_cast<caf::actor>(addr);
    if (!hdl)
      continue;
    self->monitor(hdl);
    self->send_exit(hdl, caf::exit_reason::user_shutdown);
    self->receive([](const caf::down_msg&) {},
                  caf::after(std::chrono::seconds(10)) >> [] {
                    spdlog::warn("engine: an actor took over 10 s to stop");
                  });
  }
}

} // namespace auralis::actors
