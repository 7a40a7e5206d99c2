#include "http/routes.hpp"

#include <cctype>
#include <stdexcept>

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
    {"GET", "/api/presets", route_id::presets},
    {"GET", "/api/actors", route_id::actors},
    {"GET", "/metrics", route_id::metrics},
    {"POST", "/api/library/tracks", route_id::library_add},
    {"DELETE", "/api/library/tracks/:id", route_id::library_delete},
    {"GET", "/api/predictor/model", route_id::predictor_model},
    {"DELETE", "/api/predictor/model", route_id::predictor_forget},
    {"PUT", "/api/predictor/learning", route_id::predictor_learning},
  };
  return routes;
}

namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// Equal but for the case of ASCII letters.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  return true;
}

/// The segments of `path` after its leading '/' (one trailing '/' dropped); empty
/// segments are kept, so "/a//b" has three.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

} // namespace

void route_table::add(std::string method, std::string pattern) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern '" + pattern + "' does not start with '/'");
  route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  for (auto part : split_path(r.pattern)) {
    segment s;
    if (!part.empty() && part.front() == ':') {
      part.remove_prefix(1);
      s.param = true;
      if (part.empty())
        throw std::invalid_argument("route pattern '" + r.pattern + "' has an unnamed parameter");
      for (char c : part)
        if (!is_name_char(c))
          throw std::invalid_argument("route pattern '" + r.pattern +
                                      "' has a parameter name with '" + std::string(1, c) + "'");
    } else {
      for (char c : part)
        if (c == ':' || c == '(' || c == ')' || c == '*' || c == '?' || c == '+')
          throw std::invalid_argument("route pattern '" + r.pattern + "' uses unsupported '" +
                                      std::string(1, c) + "'");
    }
    s.text = std::string(part);
    r.segments.push_back(std::move(s));
  }
  routes_.push_back(std::move(r));
}

bool route_table::matches(const route& r, const std::vector<std::string_view>& parts,
                          std::vector<route_param>& params) {
  if (r.segments.size() != parts.size())
    return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& s = r.segments[i];
    if (s.param ? parts[i].empty() : !iequals(s.text, parts[i]))
      return false;
  }
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i)
    if (r.segments[i].param)
      params.emplace_back(r.segments[i].text, parts[i]);
  return true;
}

route_match route_table::match(std::string_view method, std::string_view path) const {
  route_match m;
  if (path.empty() || path.front() != '/')
    return m;
  const auto parts = split_path(path);
  std::vector<route_param> params;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!matches(routes_[i], parts, params))
      continue;
    m.path_known = true;
    if (routes_[i].method == method) {
      m.found = true;
      m.index = i;
      m.params = std::move(params);
      return m;
    }
  }
  return m;
}

} // namespace auralis::http
