// auralis-buffer: the engine's command line. `serve` (the default) runs the server until
// SIGINT or SIGTERM; `load` drives a running server with listener sessions and reports;
// `console` shows a running server live; `worker` joins a running server's worker pool.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "app/cluster_worker.hpp"
#include "app/engine.hpp"
#include "config/config_loader.hpp"
#include "config/host_port.hpp"
#include "config/json_reader.hpp"
#include "console/console_app.hpp"
#include "load/load_runner.hpp"
#include "load/scenario_loader.hpp"

namespace {

/// Exit codes of the program.
enum exit_code : int {
  exit_ok = 0,         ///< stopped by a signal, cleanly
  exit_failure = 1,    ///< could not start (folder, port)
  exit_bad_config = 2, ///< the configuration or the command line is invalid
};

/// Exit codes of `auralis-buffer load`.
enum load_exit_code : int {
  load_passed = 0,      ///< every threshold held
  load_failed = 1,      ///< a threshold breached, or the server could not be reached
  load_bad_input = 2,   ///< bad arguments or a bad scenario file
};

/// Options of `auralis-buffer load`.
struct load_options {
  std::string url;
  std::string scenario;
  std::optional<int> sessions;
  std::optional<double> duration;
  std::optional<double> speed;
  std::optional<std::int64_t> seed;
  std::string report;
  std::string token;
  std::optional<int> pid;
  std::vector<std::string> thresholds;
  int threads = 1;
};

/// Command-line overrides of the config file.
struct overrides {
  std::string config_path;
  std::optional<int> port;
  std::optional<std::string> bind;
  std::optional<std::string> library;
  std::optional<std::string> data_dir;
  std::optional<std::string> cluster_listen;
};

/// Options of `auralis-buffer worker`.
struct worker_options {
  std::string connect;
  unsigned threads = 1;
  std::string token;
  std::string name;
  double cache_mb = 2000;
  std::string tls_certificate, tls_key, tls_ca_file;
};

auralis::config::engine_config load_config(const overrides& o) {
  using auralis::config::config_loader;
  auralis::config::engine_config cfg;
  if (!o.config_path.empty())
    cfg = config_loader::load_file(o.config_path);
  else if (std::filesystem::exists("config/auralis.json"))
    cfg = config_loader::load_file("config/auralis.json");
  else
    cfg = config_loader::load_embedded();
  if (o.port)
    cfg.server.port = static_cast<std::uint16_t>(*o.port);
  if (o.bind)
    cfg.server.bind = *o.bind;
  if (o.library)
    cfg.paths.library_dir = *o.library;
  if (o.data_dir)
    cfg.paths.data_dir = *o.data_dir;
  if (const char* token = std::getenv("AURALIS_API_TOKEN"); token && *token)
    cfg.server.api_token = token;
  if (const char* token = std::getenv("AURALIS_CLUSTER_TOKEN"); token && *token)
    cfg.cluster.token = token;
  if (o.cluster_listen) {
    cfg.cluster.listen = *o.cluster_listen;
    try {
      config_loader::check_cluster_listen(cfg.cluster);
    } catch (const auralis::config::json_field_error& e) {
      throw auralis::config::config_error("--cluster-listen", "", e.what());
    }
  }
  return cfg;
}

/// `auralis-buffer worker`: joins a running engine's worker pool.
int run_worker(const overrides& o, const worker_options& w) {
  auralis::actors::cluster_worker_options co;
  const auto engine = auralis::config::parse_host_port(w.connect);
  if (!engine || engine->port == 0) {
    std::cerr << "auralis-buffer worker: --connect: expected HOST:PORT, not '" << w.connect
              << "'\n";
    return exit_bad_config;
  }
  co.engine_host = engine->host;
  co.engine_port = engine->port;
  co.threads = w.threads;
  co.token = w.token;
  if (co.token.empty())
    if (const char* token = std::getenv("AURALIS_CLUSTER_TOKEN"); token && *token)
      co.token = token;
  co.name = w.name;
  co.cache_dir = (std::filesystem::path(o.data_dir.value_or("var")) / "worker-cache").string();
  co.cache_bytes = static_cast<std::uint64_t>(w.cache_mb * 1e6);
  co.tls_certificate = w.tls_certificate;
  co.tls_key = w.tls_key;
  co.tls_ca_file = w.tls_ca_file;
  return auralis::actors::run_cluster_worker(co);
}

int serve(const overrides& o) {
  auralis::config::engine_config cfg;
  try {
    cfg = load_config(o);
  } catch (const auralis::config::config_error& e) {
    std::cerr << "auralis-buffer: invalid configuration: " << e.what() << "\n";
    return exit_bad_config;
  }
  // Block the stop signals in every thread (threads inherit the mask), then wait for
  // them here, so no actor or server thread is ever interrupted by one.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    auralis::http::engine eng(cfg);
    spdlog::info("auralis-buffer ready on http://{}:{} (config: {}, library: {})",
                 cfg.server.bind, eng.port(), cfg.source, eng.library_root());
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("{} received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    eng.stop();
  } catch (const std::exception& e) {
    spdlog::error("cannot start: {}", e.what());
    return exit_failure;
  }
  spdlog::info("stopped");
  return exit_ok;
}

/// Splits "http://HOST:PORT[/]" into host and port; false when it is not that.
bool parse_url(const std::string& url, std::string& host, std::uint16_t& port) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return false;
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos)
    return false;
  host = rest.substr(0, colon);
  const std::string digits = rest.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const int p = std::stoi(digits);
  if (p < 1 || p > 65535)
    return false;
  port = static_cast<std::uint16_t>(p);
  return true;
}

int run_load(const load_options& o) {
  using namespace auralis::load;
  runner_options ro;
  if (!parse_url(o.url, ro.host, ro.port)) {
    std::cerr << "auralis-buffer load: --url: expected http://HOST:PORT, not '" << o.url << "'\n";
    return load_bad_input;
  }
  scenario plan;
  try {
    plan = scenario_loader::load(o.scenario);
  } catch (const scenario_error& e) {
    std::cerr << "auralis-buffer load: " << e.what() << "\n";
    return load_bad_input;
  }
  if (o.sessions)
    plan.sessions = *o.sessions;
  if (o.duration)
    plan.duration_s = *o.duration;
  if (o.speed)
    plan.speed = *o.speed;
  if (o.seed)
    plan.seed = static_cast<std::uint64_t>(*o.seed);
  if (plan.warmup_s >= plan.duration_s) {
    std::cerr << "auralis-buffer load: --duration: must be more than the scenario's warmup_s ("
              << plan.warmup_s << ")\n";
    return load_bad_input;
  }
  for (const auto& text : o.thresholds) {
    try {
      plan.thresholds.push_back(threshold::parse(text));
    } catch (const threshold_error& e) {
      std::cerr << "auralis-buffer load: --threshold: " << e.what() << "\n";
      return load_bad_input;
    }
  }
  ro.token = o.token;
  if (ro.token.empty())
    if (const char* token = std::getenv("AURALIS_API_TOKEN"); token && *token)
      ro.token = token;
  ro.pid = o.pid;
  ro.threads = o.threads;
  if (isatty(STDOUT_FILENO))
    ro.progress = &std::cout;
  std::ofstream report_file;
  if (!o.report.empty()) {
    report_file.open(o.report, std::ios::binary | std::ios::trunc);
    if (!report_file) {
      std::cerr << "auralis-buffer load: --report: cannot write " << o.report << "\n";
      return load_bad_input;
    }
  }
  try {
    load_runner runner(plan, ro);
    const auto report = runner.run();
    std::cout << report.to_table();
    if (report_file.is_open()) {
      report_file << report.to_json() << "\n";
      report_file.close();
      if (!report_file) {
        std::cerr << "auralis-buffer load: --report: cannot write " << o.report << "\n";
        return load_failed;
      }
    }
    if (!report.passed()) {
      for (const auto& r : report.results())
        if (r.outcome != threshold_outcome::held)
          std::cerr << "auralis-buffer load: threshold " << outcome_text(r.outcome) << ": "
                    << r.condition.text() << "\n";
      return load_failed;
    }
    return load_passed;
  } catch (const load_error& e) {
    std::cerr << "auralis-buffer load: " << e.what() << "\n";
    return load_failed;
  }
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"auralis-buffer: renders mastering presets ahead of playback and serves them"};
  overrides o;
  app.add_option("--config", o.config_path,
                 "engine config file (default: config/auralis.json if present, else built-in)")
    ->check(CLI::ExistingFile);
  app.add_option("--port", o.port, "HTTP port (0 = any free port)")->check(CLI::Range(0, 65535));
  app.add_option("--bind", o.bind, "address to listen on");
  app.add_option("--library", o.library, "music library folder (default: the demo library)")
    ->check(CLI::ExistingDirectory);
  app.add_option("--data-dir", o.data_dir, "folder for ids, learned model and demo audio");
  auto* serve_cmd = app.add_subcommand("serve", "run the server (the default)");
  serve_cmd->fallthrough();
  load_options lo;
  auto* load_cmd = app.add_subcommand(
    "load", "drive a running server with listener sessions of a scenario and report latency, "
            "hits, underruns, errors and memory (exit 1 when a threshold breaches)");
  load_cmd->add_option("--url", lo.url, "the server, http://HOST:PORT")->required();
  load_cmd->add_option("--scenario", lo.scenario,
                       "a scenario name (config/scenarios/NAME.json) or a file")->required();
  load_cmd->add_option("--sessions", lo.sessions, "listener sessions (overrides the scenario)")
    ->check(CLI::Range(1, 100000));
  load_cmd->add_option("--duration", lo.duration, "wall seconds of the run (overrides)")
    ->check(CLI::Range(0.1, 604800.0));
  load_cmd->add_option("--speed", lo.speed, "playback speed, times real time (overrides)")
    ->check(CLI::Range(0.01, 1000.0));
  load_cmd->add_option("--seed", lo.seed, "seed of the sessions' random choices (overrides)")
    ->check(CLI::NonNegativeNumber);
  load_cmd->add_option("--report", lo.report, "write every figure as JSON to this file");
  load_cmd->add_option("--token", lo.token,
                       "API token for POST /api/cache/clear (default: $AURALIS_API_TOKEN)");
  load_cmd->add_option("--pid", lo.pid, "the server's process id, to sample its memory and "
                                        "descriptors (default: found by the port on loopback)")
    ->check(CLI::PositiveNumber);
  load_cmd->add_option("--threshold", lo.thresholds,
                       "an extra pass/fail condition, e.g. \"switch_ms_p95 < 150\" (repeatable)");
  load_cmd->add_option("--threads", lo.threads, "event-loop threads of the client")
    ->check(CLI::Range(1, 4));
  app.add_option("--cluster-listen", o.cluster_listen,
                 "accept remote workers on HOST:PORT (config cluster.listen; loopback unless "
                 "cluster.allow_remote_plain)");
  worker_options wo;
  auto* worker_cmd = app.add_subcommand(
    "worker", "join a running engine's worker pool from this machine and render its jobs "
              "(the engine needs cluster.listen)");
  worker_cmd->add_option("--connect", wo.connect, "the engine's cluster.listen, HOST:PORT")
    ->required();
  worker_cmd->add_option("--threads", wo.threads, "jobs run at once (one thread each)")
    ->check(CLI::Range(1, 256));
  worker_cmd->add_option("--token", wo.token,
                         "the engine's cluster.token (default: $AURALIS_CLUSTER_TOKEN)");
  worker_cmd->add_option("--name", wo.name, "this host's name in the engine's figures "
                                            "(default: the host name)");
  worker_cmd->add_option("--cache-mb", wo.cache_mb,
                         "MB of source files kept (in <data-dir>/worker-cache)")
    ->check(CLI::Range(1.0, 1e7));
  worker_cmd->add_option("--tls-cert", wo.tls_certificate,
                         "TLS: this worker's certificate (PEM), for an engine with cluster.tls_*");
  worker_cmd->add_option("--tls-key", wo.tls_key, "TLS: this worker's private key (PEM)");
  worker_cmd->add_option("--tls-ca", wo.tls_ca_file,
                         "TLS: the CA file the engine's certificate is signed by");
  auralis::console::console_options co;
  auto* console_cmd = app.add_subcommand(
    "console", "a live view of a running server in the terminal: actors, pool, tiers, "
               "predictions and events, refreshed every second (q quits, ? lists the keys)");
  console_cmd->add_option("--url", co.url, "the server, http://HOST[:PORT]")
    ->capture_default_str();
  console_cmd->add_option("--token", co.token,
                          "API token for the tier clears (default: $AURALIS_API_TOKEN)");
  auto* once_flag = console_cmd->add_flag(
    "--once", co.once, "print one snapshot (the 80x24 screen as text) and exit, no terminal UI");
  console_cmd->add_flag("--json", co.json, "with --once: print the snapshot as one JSON object")
    ->needs(once_flag);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_config;
  }
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  if (load_cmd->parsed())
    return run_load(lo);
  if (worker_cmd->parsed())
    return run_worker(o, wo);
  if (console_cmd->parsed()) {
    if (co.token.empty())
      if (const char* token = std::getenv("AURALIS_API_TOKEN"); token && *token)
        co.token = token;
    try {
      return auralis::console::console_app(co).run();
    } catch (const std::exception& e) {
      std::cerr << "auralis-buffer console: " << e.what() << "\n";
      return auralis::console::console_failure;
    }
  }
  return serve(o);
}
