#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/http_call.hpp"
#include "http/ws_client.hpp"

namespace auralis::http {

class http_metrics;

/// How the server listens and what it accepts.
struct http_server_options {
  /// Counts every answer by route and status with its latency; null = not counted.
  std::shared_ptr<http_metrics> metrics;
  std::string bind = "127.0.0.1";
  std::uint16_t port = 0;                 ///< 0 = any free port
  std::size_t threads = 1;                ///< listeners, one I/O thread each (0 counts as 1)
  std::uint64_t max_body_bytes = 65536;   ///< larger bodies answer 413
  std::size_t max_url_bytes = 8192;       ///< longer request targets answer 414
  std::size_t max_header_count = 100;     ///< more header fields answer 431
  std::size_t max_header_bytes = 16384;   ///< larger header fields (names and values) answer 431
  /// Seconds a request may take to arrive, counted from when the connection waits for it
  /// (after the previous answer, for a kept-alive one): headers, and body on top. RESTinio
  /// 0.6 keeps one clock per request, so both limits are enforced as their sum.
  double header_timeout_s = 10;
  double body_timeout_s = 30;
  std::size_t max_connections = 512;            ///< open HTTP connections served at once
  std::size_t max_connections_per_client = 256; ///< of them from one client address
};

/// The RESTinio server (on Boost.Asio): accepts connections on its own threads (one
/// listener per thread, each with its own io_context; several share the port through
/// SO_REUSEPORT and the kernel spreads connections over them), matches
/// every route of routes.cpp (a route_table, no regular expressions) and hands each
/// request to `dispatch` as an http_call, then returns at once (request_accepted); the
/// answer is sent later through the call's responder. A malformed percent escape in the
/// path answers 400, unknown paths 404 and known paths with another method 405, a body
/// over max_body_bytes 413, all with a JSON `detail` (a body over 16 times the limit, at
/// least 1 MiB, is not read at all: the connection is closed). A request target over
/// max_url_bytes answers 414, header fields over max_header_count or max_header_bytes 431,
/// and every request of a connection that arrived over max_connections or
/// max_connections_per_client 503; these answers close the connection. Requests beyond
/// the parser's hard limits (a request target over 64 KiB, more than 4,096 header fields,
/// a header field over 64 KiB, a header section over 256 KiB) get no answer: the
/// connection is closed and a warning logged. A connection whose next request has not
/// arrived within header_timeout_s + body_timeout_s is closed. GET /api/ws upgrades to a
/// WebSocket and hands the connection to `ws_open`; `ws_closed` hears its id when the
/// peer closes it or the connection fails. The only class that includes RESTinio headers.
class http_server {
public:
  /// Receives each accepted request; must not block (it runs on a server thread).
  using dispatch_fn = std::function<void(http_call)>;
  /// Receives each new WebSocket connection; must not block.
  using ws_open_fn = std::function<void(ws_client_ptr)>;
  /// Hears that the WebSocket connection with this id closed; must not block.
  using ws_closed_fn = std::function<void(std::uint64_t)>;

  /// Binds and starts serving. Throws std::runtime_error naming the address when it
  /// cannot bind. Sets SIGPIPE to be ignored in the whole process (see the source).
  http_server(const http_server_options& options, dispatch_fn dispatch, ws_open_fn ws_open,
              ws_closed_fn ws_closed);

  /// Stops accepting, closes connections and joins the server threads. Responders and
  /// WebSocket clients held elsewhere may outlive the server: they lose their connection
  /// here, and later answers are dropped and later sends report written(false).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The port actually bound.
  std::uint16_t port() const noexcept;

  /// Audio answers (send_parts with a tail) of every server in the process handed to
  /// RESTinio and not yet written to their socket or dropped, and the bytes of memory their
  /// tails hold meanwhile (a memory file's pages stay held through the duplicated
  /// descriptor until the write ends, even after a tier evicted the entry).
  static std::uint64_t sending() noexcept;
  static std::uint64_t sending_bytes() noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace auralis::http
