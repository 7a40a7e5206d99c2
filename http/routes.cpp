#include "http/routes.hpp"

namespace auralis::http {

const std::vector<route_spec>& all_routes() {
  static const std::vector<route_spec> routes{
    {"GET", "/api/cache/health", route_id::cache_health},
    {"GET", "/api/library/tracks", route_id::library_tracks},
  };
  return routes;
}

} // namespace auralis::http
