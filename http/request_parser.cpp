#include "http/request_parser.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "http/bad_request.hpp"

namespace auralis::http {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

/// The field `name` of `obj`, or nullopt when absent.
std::optional<element> field_of(const simdjson::dom::object& obj, const char* name) {
  element e;
  if (obj[name].get(e) != simdjson::SUCCESS)
    return std::nullopt;
  return e;
}

element required(const simdjson::dom::object& obj, const char* name) {
  auto e = field_of(obj, name);
  if (!e)
    throw bad_request(std::string("missing field '") + name + "'");
  return *e;
}

double number_of(const element& e, const char* name) {
  switch (e.type()) {
    case element_type::INT64: return static_cast<double>(e.get_int64().value());
    case element_type::UINT64: return static_cast<double>(e.get_uint64().value());
    case element_type::DOUBLE: return e.get_double().value();
    default: throw bad_request(std::string("'") + name + "' must be a number");
  }
}

std::string string_of(const element& e, const char* name) {
  if (e.type() != element_type::STRING)
    throw bad_request(std::string("'") + name + "' must be a string");
  return std::string(e.get_string().value());
}

} // namespace

request_parser::request_parser(std::vector<std::string> presets)
  : presets_(std::move(presets)) {}

std::int64_t request_parser::parse_index(std::string_view text, const char* name) {
  const bool digits = !text.empty() && text.size() <= 18 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits)
    throw bad_request(std::string(name) + " must be a non-negative integer, not '" +
                      std::string(text.substr(0, 40)) + "'");
  std::int64_t v = 0;
  for (char c : text)
    v = v * 10 + (c - '0');
  return v;
}

double request_parser::parse_intensity(std::string_view text) {
  const bool plain = !text.empty() && text.size() <= 32 &&
                     std::all_of(text.begin(), text.end(), [](char c) {
                       return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' ||
                              c == '-' || c == '+';
                     });
  double v = 0;
  if (plain) {
    const std::string s(text);
    char* end = nullptr;
    v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size())
      v = NAN;
  }
  if (!plain || !std::isfinite(v) || v < 0.0 || v > 1.0)
    throw bad_request("intensity must be a number between 0 and 1, not '" +
                      std::string(text.substr(0, 40)) + "'");
  return v;
}

actors::tier_id request_parser::parse_tier(std::string_view text) {
  std::string lower(text.substr(0, 8));
  for (auto& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text.size() == 2) {
    if (lower == "l1")
      return actors::tier_id::l1;
    if (lower == "l2")
      return actors::tier_id::l2;
    if (lower == "l3")
      return actors::tier_id::l3;
  }
  throw bad_request("tier must be l1, l2 or l3, not '" + std::string(text.substr(0, 40)) + "'");
}

std::string request_parser::check_session_id(std::string_view text) {
  if (text.empty() || text.size() > max_session_id)
    throw bad_request("session_id must have 1 to " + std::to_string(max_session_id) +
                      " characters");
  if (actors::has_control_characters(text))
    throw bad_request("session_id must not hold control characters");
  return std::string(text);
}

std::string request_parser::check_preset(std::string_view name) const {
  if (std::find(presets_.begin(), presets_.end(), name) == presets_.end()) {
    std::string known;
    for (const auto& p : presets_)
      known += (known.empty() ? "" : ", ") + p;
    throw bad_request("unknown preset '" + std::string(name.substr(0, 40)) + "' (known: " +
                      known + ")");
  }
  return std::string(name);
}

simdjson::dom::object request_parser::parse_object(const std::string& body) {
  element root;
  if (auto err = parser_.parse(body).get(root); err != simdjson::SUCCESS)
    throw bad_request(std::string("malformed JSON body (") + simdjson::error_message(err) + ")");
  if (root.type() != element_type::OBJECT)
    throw bad_request("the JSON body must be an object");
  return root.get_object().value();
}

actors::position_update request_parser::position(const std::string& body) {
  const auto obj = parse_object(body);
  actors::position_update u;
  const auto track = required(obj, "track_id");
  if (track.type() == element_type::INT64) {
    u.track_id = track.get_int64().value();
    if (u.track_id < 0)
      throw bad_request("'track_id' must not be negative");
  } else {
    throw bad_request("'track_id' must be a non-negative integer");
  }
  u.position_s = number_of(required(obj, "position"), "position");
  if (!std::isfinite(u.position_s) || u.position_s < 0)
    throw bad_request("'position' must be a finite number of seconds >= 0");
  u.preset = check_preset(string_of(required(obj, "preset"), "preset"));
  u.intensity = number_of(required(obj, "intensity"), "intensity");
  if (!(u.intensity >= 0.0 && u.intensity <= 1.0))
    throw bad_request("'intensity' must be between 0 and 1");
  if (auto s = field_of(obj, "session_id"); s && s->type() != element_type::NULL_VALUE)
    u.session_id = check_session_id(string_of(*s, "session_id"));
  if (auto n = field_of(obj, "next_track_id"); n && n->type() != element_type::NULL_VALUE) {
    if (n->type() != element_type::INT64 || n->get_int64().value() < 0)
      throw bad_request("'next_track_id' must be a non-negative integer");
    u.next_track_id = n->get_int64().value();
  }
  return u;
}

std::string request_parser::library_path(const std::string& body) {
  const auto obj = parse_object(body);
  auto path = string_of(required(obj, "path"), "path");
  if (path.empty())
    throw bad_request("'path' must not be empty");
  if (path.find('\0') != std::string::npos)
    throw bad_request("'path' must not hold NUL characters");
  return path;
}

bool request_parser::learning(const std::string& body) {
  const auto obj = parse_object(body);
  const auto e = required(obj, "enabled");
  if (e.type() != element_type::BOOL)
    throw bad_request("'enabled' must be true or false");
  return e.get_bool().value();
}

} // namespace auralis::http
