#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace auralis::http {

/// Counts the server's open HTTP connections, in all and per client address, and says which
/// of them arrived over a cap (their requests are answered 503 and the connection closed).
/// A connection is known by its listener's index and the connection id that listener gave
/// it (each listener numbers its own). A connection upgraded to a WebSocket leaves the count:
/// the event hub bounds WebSocket clients. Thread-safe (every listener thread reports here).
class connection_limiter {
public:
  /// `max_total`, `max_per_client` >= 1: connections open at once, in all and from one
  /// address, that are served.
  connection_limiter(std::size_t max_total, std::size_t max_per_client);

  /// Counts connection (`listener`, `id`) from `address` as open. Returns false when it
  /// takes the total over max_total or its address's count over max_per_client: it is
  /// counted all the same (it holds a socket) until closed(). An id already open is
  /// counted once (the second report is ignored and answers as the first).
  bool opened(std::size_t listener, std::uint64_t id, const std::string& address);

  /// Stops counting the connection; nothing when it is not counted.
  void closed(std::size_t listener, std::uint64_t id);

  /// The reason to refuse the connection's requests, when it arrived over a cap; empty
  /// when it is served or not counted.
  std::string refusal_of(std::size_t listener, std::uint64_t id) const;

  /// Connections counted now, in all and from `address`.
  std::size_t open() const;
  std::size_t open_from(const std::string& address) const;

private:
  struct connection {
    std::string address;
    std::string refusal; ///< empty when served
  };

  std::size_t max_total_;
  std::size_t max_per_client_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::size_t, std::uint64_t>, connection> open_;
  std::map<std::string, std::size_t> per_address_;
};

} // namespace auralis::http
