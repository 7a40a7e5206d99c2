#pragma once

#include <vector>

#include "http/http_call.hpp"

namespace auralis::http {

/// One route: method, express path pattern and the id the gateway dispatches on.
struct route_spec {
  const char* method; ///< "GET", "POST", "PUT" or "DELETE"
  const char* path;   ///< express pattern, e.g. "/api/library/tracks/:id"
  route_id id;
};

/// Every route the engine serves through the gateway, in one place (GET /api/ws is added
/// by the server itself). A path with a method not listed here answers 405; a path not
/// listed answers 404.
const std::vector<route_spec>& all_routes();

} // namespace auralis::http
