// Fuzz target: what an HTTP client controls, through the parsers the gateway runs on it
// (http/gateway_actor.cpp). Every input is tried as each of:
//   - a query string (query_string::parse), whose session_id, track_id, chunk_idx, preset
//     and intensity values then go through the validators the chunk routes apply;
//   - a route parameter (parse_index, parse_intensity, parse_tier, check_session_id,
//     check_preset);
//   - the JSON body of POST /api/player/position, POST /api/library/tracks and
//     PUT /api/predictor/learning.
// bad_request is the documented failure; anything else, or an accepted value outside the
// documented rules, is a finding.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "http/bad_request.hpp"
#include "http/query_string.hpp"
#include "http/request_parser.hpp"

namespace {

using auralis::http::bad_request;
using auralis::http::query_string;
using auralis::http::request_parser;

/// The shipped preset names, as the gateway's parser knows them.
std::vector<std::string> preset_names() {
  return auralis::config::config_loader::load_embedded().presets.names();
}

/// Runs `fn`; a bad_request is the documented answer to bad input.
template <class F>
void refusable(F&& fn) {
  try {
    fn();
  } catch (const bad_request& e) {
    if (e.status() < 400 || e.status() > 499)
      std::abort();
  }
}

void check_index(const std::string& text) {
  if (request_parser::parse_index(text, "index") < 0)
    std::abort();
}

void check_intensity(const std::string& text) {
  const double v = request_parser::parse_intensity(text);
  if (!(v >= 0.0 && v <= 1.0))
    std::abort();
}

void check_session(const std::string& text) {
  const std::string s = request_parser::check_session_id(text);
  if (s.empty() || s.size() > request_parser::max_session_id)
    std::abort();
}

void query(const request_parser& parser, const std::string& text) {
  query_string q;
  try {
    q = query_string::parse(text);
  } catch (const bad_request&) {
    return;
  }
  for (const char* name : {"session_id", "track_id", "chunk_idx", "preset", "intensity"}) {
    const auto value = q.get(name);
    if (value.has_value() != q.has(name))
      std::abort();
    if (!value)
      continue;
    if (text.find('\0') == std::string::npos && value->find('\0') != std::string::npos)
      std::abort(); // documented: an encoded NUL is refused
    const std::string n = name;
    if (n == "session_id")
      refusable([&] { check_session(*value); });
    else if (n == "preset")
      refusable([&] { parser.check_preset(*value); });
    else if (n == "intensity")
      refusable([&] { check_intensity(*value); });
    else
      refusable([&] { check_index(*value); });
  }
}

void route_parameter(const request_parser& parser, const std::string& text) {
  refusable([&] { check_index(text); });
  refusable([&] { check_intensity(text); });
  refusable([&] { request_parser::parse_tier(text); });
  refusable([&] { check_session(text); });
  refusable([&] { parser.check_preset(text); });
}

void bodies(request_parser& parser, const std::string& text) {
  refusable([&] {
    const auto u = parser.position(text);
    const auto& names = parser.presets();
    bool known = false;
    for (const auto& n : names)
      known = known || n == u.preset;
    if (u.track_id < 0 || !std::isfinite(u.position_s) || u.position_s < 0 ||
        !(u.intensity >= 0.0 && u.intensity <= 1.0) || !known ||
        u.session_id.size() > request_parser::max_session_id ||
        u.next_track_id < 0)
      std::abort();
  });
  refusable([&] {
    const auto path = parser.library_path(text);
    if (path.empty() || path.find('\0') != std::string::npos)
      std::abort();
  });
  refusable([&] { parser.learning(text); });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static request_parser parser(preset_names());
  const std::string text(reinterpret_cast<const char*>(data), size);
  query(parser, text);
  route_parameter(parser, text);
  bodies(parser, text);
  return 0;
}
