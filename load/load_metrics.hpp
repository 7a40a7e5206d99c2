#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "load/latency_histogram.hpp"
#include "load/request_kind.hpp"

namespace auralis::load {

/// How a request ended.
enum class request_outcome {
  ok,              ///< a 2xx answer, read whole
  http_error,      ///< a 4xx or 5xx answer (other than the next)
  retry_after_503, ///< 503 with Retry-After: the engine shed the load
  transport_error, ///< no answer: connect, write, read or timeout failure
};

/// Figures of one request kind.
struct kind_figures {
  latency_histogram all; ///< latency from due time to the whole answer, ok answers
  std::array<latency_histogram, cache_tier_count> by_tier; ///< the same per X-Cache-Tier
  std::uint64_t ok = 0;        ///< ok answers
  std::uint64_t errors = 0;    ///< http errors + 503s + transport errors
  std::uint64_t bytes = 0;     ///< body bytes of ok answers
};

/// One sampled server figure: its last and its largest value.
struct sampled_value {
  double last = 0; ///< the latest sample
  double peak = 0; ///< the largest sample
};

/// Everything measured, as a copy.
struct load_figures {
  std::array<kind_figures, request_kind_count> kinds; ///< per request kind
  std::map<int, std::uint64_t> http_errors;       ///< errors of listeners/admin by status
  std::map<std::string, std::uint64_t> transport_errors; ///< by failure
  std::uint64_t retry_after_503 = 0;              ///< 503 answers carrying Retry-After
  std::uint64_t warmup_errors = 0;                ///< errors of requests due in the warm-up
  std::uint64_t underruns = 0;                    ///< chunks late for playback
  double stall_s = 0;                             ///< wall seconds stalled by underruns
  std::map<std::string, std::uint64_t> attacks;   ///< attacker requests by type
  std::map<int, std::uint64_t> attack_status;     ///< attacker answers by status (0: none)
  std::uint64_t attack_unexpected = 0;            ///< attacker requests not answered 4xx
  std::map<std::string, sampled_value> server;    ///< /api/cache/stats numbers, dotted keys
  std::uint64_t server_samples = 0;               ///< stats samples taken
  std::optional<sampled_value> rss_mb;            ///< server VmRSS, MB (10^6 bytes)
  std::optional<sampled_value> rss_shmem_mb;      ///< server RssShmem, MB
  std::optional<sampled_value> fds;               ///< server open descriptors
  int sessions_active = 0;                        ///< listener sessions playing now
  int sessions_peak = 0;                          ///< most listener sessions at once
  std::uint64_t sessions_started = 0;             ///< listener sessions started
  double measured_s = 0;                          ///< wall seconds the figures cover

  /// Requests of listener sessions and admin (not attacks), measured.
  std::uint64_t requests() const;
  /// Errors of listener sessions and admin (not attacks), measured (after the warm-up).
  std::uint64_t errors() const;
  /// Chunk fetches answered ok from tier `t` (all kinds).
  std::uint64_t fetches_from(cache_tier t) const;
  /// The figures as threshold metrics (see threshold::metric_names()); a metric without
  /// a value (no samples) is absent.
  std::map<std::string, double> metrics() const;
};

/// Thread-safe recorder of a run's figures. A whole copy is kept and, for capacity
/// steps, a window that take_window() hands out and restarts.
class load_metrics {
public:
  /// Records one finished request. `latency_ms` counts from its due time.
  void record(request_kind kind, cache_tier tier, request_outcome outcome, int status,
              double latency_ms, std::uint64_t bytes, const std::string& transport_what = {});
  /// Records one attacker request of `type`, answered `status` (0: no answer).
  void record_attack(const std::string& type, int status);
  /// Counts an error of a request due during the warm-up (not otherwise measured).
  void record_warmup_error();
  /// Adds underruns and their stall seconds.
  void add_underruns(std::uint64_t n, double stall_s);
  /// Records a /api/cache/stats sample (dotted numeric keys).
  void server_sample(const std::map<std::string, double>& values);
  /// Records a /proc sample of the server process.
  void process_sample(double rss_mb, double rss_shmem_mb, double fds);
  /// A listener session started (+1) or ended (-1).
  void session_delta(int d);
  /// Sets the seconds the whole figures cover.
  void set_measured_s(double s);

  /// A copy of everything so far.
  load_figures figures() const;
  /// The figures since the last call (or the start), restarting the window;
  /// `window_s` is recorded as its measured_s.
  load_figures take_window(double window_s);

private:
  template <class F>
  void both(F&& f) {
    f(all_);
    f(window_);
  }

  mutable std::mutex mutex_;
  load_figures all_;
  load_figures window_;
};

} // namespace auralis::load
