#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace auralis::load {

/// Memory and descriptors of a process, from /proc.
struct process_figures {
  double rss_mb = 0;       ///< VmRSS, MB of 10^6 bytes
  double rss_shmem_mb = 0; ///< RssShmem, MB of 10^6 bytes
  int fds = 0;             ///< entries of /proc/PID/fd
};

/// Reads what the load generator samples of the server: its process (when it runs on
/// this machine) and the numbers of its /api/cache/stats answer.
class server_sampler {
public:
  /// Samples process `pid`.
  explicit server_sampler(int pid) : pid_(pid) {}

  /// The process id sampled.
  int pid() const noexcept { return pid_; }

  /// One sample; nullopt when the process is gone or unreadable.
  std::optional<process_figures> sample() const;

  /// The process listening on TCP `port` (IPv4 or IPv6), found through /proc/net/tcp{,6}
  /// and the socket links in /proc/*/fd; nullopt when none is visible.
  static std::optional<int> find_pid_by_port(std::uint16_t port);

  /// VmRSS and RssShmem of a /proc/PID/status text (fds left 0); nullopt without VmRSS.
  static std::optional<process_figures> parse_status(const std::string& text);

  /// Socket inodes listening on `port` in a /proc/net/tcp or tcp6 text.
  static std::optional<std::uint64_t> listening_inode(const std::string& net_tcp, std::uint16_t port);

  /// Every number of a JSON document as dotted keys ("l1.size_mb", "overall.hits");
  /// booleans count as 0/1, arrays are indexed ("a.0"); strings and nulls are left out.
  /// Empty when `json` is not valid JSON.
  static std::map<std::string, double> flatten_numbers(const std::string& json);

private:
  int pid_;
};

} // namespace auralis::load
