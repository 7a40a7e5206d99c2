#include "http/routes.hpp"

namespace auralis::http {

const std::vector<route_spec>& all_routes() {
  static const std::vector<route_spec> routes{
    {"GET", "/api/cache/health", route_id::cache_health},
    {"GET", "/api/cache/stats", route_id::cache_stats},
    {"GET", "/api/cache/predictions", route_id::cache_predictions},
    {"GET", "/api/cache/contents", route_id::cache_contents},
    {"POST", "/api/cache/clear", route_id::cache_clear},
    {"POST", "/api/cache/clear/:tier", route_id::cache_clear_tier},
    {"GET", "/api/cache/check", route_id::cache_check},
    {"POST", "/api/player/position", route_id::player_position},
    {"GET", "/api/audio/stream/:track_id/chunk/:chunk_idx", route_id::audio_stream},
    {"GET", "/api/library/tracks", route_id::library_tracks},
    {"POST", "/api/library/tracks", route_id::library_add},
    {"DELETE", "/api/library/tracks/:id", route_id::library_delete},
    {"GET", "/api/predictor/model", route_id::predictor_model},
    {"DELETE", "/api/predictor/model", route_id::predictor_forget},
    {"PUT", "/api/predictor/learning", route_id::predictor_learning},
  };
  return routes;
}

} // namespace auralis::http
