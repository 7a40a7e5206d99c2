#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>

#include "load/load_report.hpp"
#include "load/scenario.hpp"

namespace auralis::load {

/// The run could not start: the server is unreachable or its library is unusable.
class load_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Where and how to run.
struct runner_options {
  std::string host = "127.0.0.1"; ///< the server's host
  std::uint16_t port = 8765;      ///< the server's port
  std::string token;              ///< API token for POST /api/cache/clear (may be empty)
  int threads = 1;                ///< io_context threads (1 or 2)
  std::optional<int> pid;         ///< the server's process; else found by its port
  std::ostream* progress = nullptr; ///< a progress line a second goes here when set
};

/// Drives a running server with a scenario's listener sessions (Boost.Beast, asynchronous,
/// one keep-alive connection per session, all on `threads` event loops) and measures it.
/// Every loop of the run is bounded: it ends by itself at the scenario's duration (or
/// when a capacity step breaches), waiting at most one request timeout for answers out.
class load_runner {
public:
  /// A runner of `plan` against the server of `options`.
  load_runner(scenario plan, runner_options options);

  /// Runs the scenario and returns its report. Throws load_error when the server cannot
  /// be reached or lists no tracks.
  load_report run();

private:
  scenario plan_;
  runner_options options_;
};

} // namespace auralis::load
