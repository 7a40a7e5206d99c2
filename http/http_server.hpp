#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/http_call.hpp"

namespace auralis::http {

/// The RESTinio server (on Boost.Asio): accepts connections on its own threads, matches
/// every route of routes.cpp and hands each request to `dispatch` as an http_call, then
/// returns at once (request_accepted); the answer is sent later through the call's
/// responder. Unknown paths answer 404 and known paths with another method 405, both with
/// a JSON `detail`. The only class that includes RESTinio headers.
class http_server {
public:
  /// Receives each accepted request; must not block (it runs on a server thread).
  using dispatch_fn = std::function<void(http_call)>;

  /// Binds `bind`:`port` (0 = any free port) and starts serving on `threads` threads.
  /// Throws std::runtime_error naming the address when it cannot bind.
  http_server(const std::string& bind, std::uint16_t port, std::size_t threads,
              dispatch_fn dispatch);

  /// Stops accepting, closes connections and joins the server threads.
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The port actually bound.
  std::uint16_t port() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace auralis::http
