// auralis-buffer: the engine's command line. `serve` (the default) runs the server until
// SIGINT or SIGTERM.

#include <csignal>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "config/config_loader.hpp"
#include "http/engine.hpp"

namespace {

/// Exit codes of the program.
enum exit_code : int {
  exit_ok = 0,         ///< stopped by a signal, cleanly
  exit_failure = 1,    ///< could not start (folder, port)
  exit_bad_config = 2, ///< the configuration or the command line is invalid
};

/// Command-line overrides of the config file.
struct overrides {
  std::string config_path;
  std::optional<int> port;
  std::optional<std::string> bind;
  std::optional<std::string> library;
  std::optional<std::string> data_dir;
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
  return cfg;
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
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? exit_ok : exit_bad_config;
  }
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  return serve(o);
}
