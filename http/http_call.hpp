#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "codec/byte_buffer.hpp"

namespace auralis::http {

/// Every route the front end serves through the gateway (registered in routes.cpp).
/// GET /api/ws is not here: the server upgrades it itself and hands the connection to
/// the event hub.
enum class route_id {
  cache_health,      ///< GET /api/cache/health
  cache_stats,       ///< GET /api/cache/stats
  cache_predictions, ///< GET /api/cache/predictions
  cache_contents,    ///< GET /api/cache/contents
  cache_clear,       ///< POST /api/cache/clear
  cache_clear_tier,  ///< POST /api/cache/clear/:tier
  cache_check,       ///< GET /api/cache/check
  player_position,   ///< POST /api/player/position
  audio_stream,      ///< GET /api/audio/stream/:track_id/chunk/:chunk_idx
  library_tracks,    ///< GET /api/library/tracks
  presets,           ///< GET /api/presets
  library_add,       ///< POST /api/library/tracks
  library_delete,    ///< DELETE /api/library/tracks/:id
  predictor_model,   ///< GET /api/predictor/model
  predictor_forget,  ///< DELETE /api/predictor/model
  predictor_learning, ///< PUT /api/predictor/learning
  actors,            ///< GET /api/actors
  metrics            ///< GET /metrics
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

/// Bytes shared with their owner (a cache tier) and sent without a copy.
using shared_bytes = codec::shared_buffer;

/// Sends the answer to one request. Implemented over the HTTP server's connection; may be
/// called from any thread, and only once (later calls of either send are ignored).
class http_responder {
public:
  virtual ~http_responder() = default;

  /// Answers with `status`, `content_type`, `body` and `headers`. Content-Length is set
  /// from the body.
  virtual void send(int status, const std::string& content_type, std::string body,
                    const std::vector<http_header>& headers) = 0;

  /// Answers with a body made of `head` followed by `tail` (not copied; null = nothing),
  /// e.g. a WAV header and the PCM a tier holds. Content-Length is their total size.
  virtual void send_parts(int status, const std::string& content_type, std::string head,
                          shared_bytes tail, const std::vector<http_header>& headers) = 0;
};

/// A request handed from the server thread to the gateway actor.
struct http_call {
  http_request request;
  std::shared_ptr<http_responder> responder;
};

} // namespace auralis::http

// http_call carries a live connection: it never leaves the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(auralis::http::http_call)
