#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

namespace auralis::http {

/// Every route the front end serves (registered in routes.cpp).
enum class route_id {
  cache_health,   ///< GET /api/cache/health
  library_tracks, ///< GET /api/library/tracks
};

/// An HTTP request as the gateway sees it: plain data, no server types.
struct http_request {
  route_id route = route_id::cache_health;
  std::string method;                        ///< "GET", "POST", ...
  std::string target;                        ///< path and query as received
  std::map<std::string, std::string> params; ///< named route parameters (":id")
  std::string query;                         ///< raw query string, without '?'
  std::string body;                          ///< request body
  std::string authorization;                 ///< the Authorization header, if any
};

/// One extra response header.
using http_header = std::pair<std::string, std::string>;

/// Sends the answer to one request. Implemented over the HTTP server's connection; may be
/// called from any thread, and only once (later calls are ignored).
class http_responder {
public:
  virtual ~http_responder() = default;

  /// Answers with `status`, `content_type`, `body` and `headers`.
  virtual void send(int status, const std::string& content_type, std::string body,
                    const std::vector<http_header>& headers) = 0;
};

/// A request handed from the server thread to the gateway actor.
struct http_call {
  http_request request;
  std::shared_ptr<http_responder> responder;
};

} // namespace auralis::http

// http_call carries a live connection: it never leaves the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(auralis::http::http_call)
