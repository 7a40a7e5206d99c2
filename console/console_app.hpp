#pragma once

#include <optional>
#include <string>

#include "console/console_snapshot.hpp"

namespace auralis::console {

class engine_client;

/// Options of `auralis-buffer console`.
struct console_options {
  std::string url = "http://127.0.0.1:8765"; ///< the engine, http://HOST[:PORT]
  std::string token;                         ///< API token for the cache clears ("" = none)
  bool once = false;                         ///< print one snapshot and exit, no terminal UI
  bool json = false;                         ///< with once: as one JSON object
};

/// Exit codes of `auralis-buffer console`.
enum console_exit : int {
  console_ok = 0,          ///< quit with `q`, SIGINT or SIGTERM, or --once printed
  console_failure = 1,     ///< the terminal could not be used
  console_bad_target = 2,  ///< a bad URL, or no engine answered at start
};

/// The `console` program: the ncurses loop over a console_view, fed by a poller thread
/// (GET /api/cache/stats, /api/actors and /api/cache/predictions once a second, cache
/// clears) and the engine_client's WebSocket events. The terminal is restored on every way
/// out: `q`, SIGINT, SIGTERM, an exception.
class console_app {
public:
  explicit console_app(console_options options);

  /// Runs until quit (or prints once); returns a console_exit. Reports a bad URL or an
  /// engine unreachable at start on stderr.
  int run();

  /// One snapshot of the engine: the stats (of `session_hint`'s session when not empty;
  /// required: throws engine_error when they do not answer 200), the actors (when served)
  /// and the predictions of the latest session, else of `session_hint` when not empty.
  /// Throws snapshot_error on an answer that is not JSON.
  static console_snapshot fetch(engine_client& client, const std::string& session_hint);

private:
  /// The first snapshot of the engine; nullopt, with the reason on stderr, when it cannot
  /// be reached or is no auralis-buffer engine.
  std::optional<console_snapshot> first_snapshot(engine_client& client) const;
  int run_once(engine_client& client);
  int run_interactive(engine_client& client);

  console_options options_;
};

} // namespace auralis::console
