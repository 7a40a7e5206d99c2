#include "app/cluster_worker.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/remote_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "actors/cluster/remote_worker_actor.hpp"
#include "actors/common/engine_error.hpp"
#include "actors/message_types.hpp"
#include "actors/scheduler_settings.hpp"

namespace auralis::actors {

namespace {

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0')
    return "worker";
  return buf;
}

/// One connection to the engine: hello, job actors, join; returns when the engine goes
/// away or does not answer the hello (false: try again), or refuses the worker (true,
/// `refused` set). Only the engine's own answer is a refusal; a timeout or a lost
/// connection is not.
bool serve_once(caf::actor_system& sys, const cluster_worker_options& o, const std::string& name,
                const std::shared_ptr<file_cache>& cache, const cluster_door& door,
                bool& refused) {
  caf::scoped_actor self{sys};
  worker_hello hello;
  hello.token = o.token;
  hello.host = name;
  hello.threads = o.threads;
  std::optional<worker_welcome> welcome;
  self->request(door, std::chrono::seconds(10), hello_atom::value, hello)
    .receive([&](worker_welcome& w) { welcome = std::move(w); },
             [&](caf::error& err) {
               if (err.category() != engine_error_category) {
                 spdlog::warn("worker: no welcome from the engine at {}:{} ({}); trying again",
                              o.engine_host, o.engine_port, sys.render(err));
                 return;
               }
               spdlog::error("worker: the engine at {}:{} refused this worker: {}",
                             o.engine_host, o.engine_port, sys.render(err));
               refused = true;
             });
  if (!welcome)
    return refused;
  codec::opus_options opus;
  opus.bitrate_bps = welcome->opus_bitrate_bps;
  opus.complexity = welcome->opus_complexity;
  opus.segments = welcome->opus_segments;
  const config::preset_set presets(welcome->presets);
  std::vector<worker_actor> locals, jobs;
  for (unsigned i = 0; i < o.threads; ++i) {
    locals.push_back(sys.spawn<caf::detached>(worker_actor_impl, opus, presets,
                                              welcome->chunk_frames, 0));
    remote_worker_settings rs;
    rs.door = door;
    rs.cache = cache;
    rs.local = locals.back();
    jobs.push_back(sys.spawn<caf::detached>(remote_worker_impl, rs));
  }
  self->monitor(door);
  self->send(door, join_atom::value, remote_workers{name, jobs});
  spdlog::info("worker: joined the engine at {}:{} with {} threads ({} presets, {} frames "
               "per chunk)",
               o.engine_host, o.engine_port, o.threads, presets.size(), welcome->chunk_frames);
  bool down = false;
  self->receive_while([&] { return !down; })([&](const caf::down_msg&) { down = true; });
  spdlog::warn("worker: the engine at {}:{} went away", o.engine_host, o.engine_port);
  for (auto& a : jobs)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : locals)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return false;
}

} // namespace

int run_cluster_worker(const cluster_worker_options& o) {
  if (o.threads == 0 || o.engine_port == 0 || o.engine_host.empty()) {
    spdlog::error("worker: --connect HOST:PORT and --threads >= 1 are needed");
    return worker_exit_refused;
  }
  const bool any_tls = !o.tls_certificate.empty() || !o.tls_key.empty() || !o.tls_ca_file.empty();
  if (any_tls) {
    for (const auto* f : {&o.tls_certificate, &o.tls_key, &o.tls_ca_file})
      if (f->empty() || !std::filesystem::is_regular_file(*f)) {
        spdlog::error("worker: --tls-cert, --tls-key and --tls-ca need three existing files{}",
                      f->empty() ? std::string() : " (" + *f + ": no such file)");
        return worker_exit_refused;
      }
  }
  const auto name = o.name.empty() ? host_name() : o.name;
  std::shared_ptr<file_cache> cache;
  try {
    cache = std::make_shared<file_cache>(o.cache_dir, o.cache_bytes);
  } catch (const std::exception& e) {
    spdlog::error("worker: {}", e.what());
    return worker_exit_refused;
  }
  caf::actor_system_config cfg;
  apply_scheduler_settings(cfg, std::max(2u, o.threads));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  add_message_types(cfg);
  cfg.load<caf::io::middleman>();
  const bool tls = !o.tls_certificate.empty();
  if (tls) {
    cfg.openssl_certificate = o.tls_certificate;
    cfg.openssl_key = o.tls_key;
    cfg.openssl_cafile = o.tls_ca_file;
    cfg.load<caf::openssl::manager>();
  }
  caf::actor_system sys{cfg};
  bool said_unreachable = false;
  for (;;) {
    auto door = tls ? caf::openssl::remote_actor<cluster_door>(sys, o.engine_host, o.engine_port)
                    : sys.middleman().remote_actor<cluster_door>(o.engine_host, o.engine_port);
    if (!door) {
      if (!said_unreachable)
        spdlog::warn("worker: cannot reach the engine at {}:{} ({}); trying again every 2 s",
                     o.engine_host, o.engine_port, sys.render(door.error()));
      said_unreachable = true;
      std::this_thread::sleep_for(std::chrono::seconds(2));
      continue;
    }
    said_unreachable = false;
    bool refused = false;
    serve_once(sys, o, name, cache, *door, refused);
    if (refused)
      return worker_exit_refused;
    // The middleman may hand out the lost connection's door once more before it notices
    // the loss; a pause lets it, and keeps a flapping engine from being hammered.
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

} // namespace auralis::actors
