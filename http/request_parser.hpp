#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "actors/common/cache_messages.hpp"
#include "actors/common/session_id.hpp"
#include "actors/predictor/predictor_messages.hpp"

namespace auralis::http {

/// Validates what clients send: path and query values, and JSON bodies (simdjson DOM:
/// the whole document is validated before any field is read). Every rule broken throws
/// bad_request with a detail naming the field. One instance per thread (it owns a
/// parser); the gateway keeps one.
class request_parser {
public:
  /// Longest accepted session id.
  static constexpr std::size_t max_session_id = actors::max_session_id_bytes;

  /// `presets`: the known preset names.
  explicit request_parser(std::vector<std::string> presets);

  /// A non-negative decimal integer (digits only, at most 18) named `name`.
  static std::int64_t parse_index(std::string_view text, const char* name);

  /// A finite decimal number in [0, 1] (intensity).
  static double parse_intensity(std::string_view text);

  /// "l1", "l2" or "l3" in any case.
  static actors::tier_id parse_tier(std::string_view text);

  /// A session id: 1..max_session_id characters, none of them a control character.
  static std::string check_session_id(std::string_view text);

  /// `name` if it is a known preset (exact spelling).
  std::string check_preset(std::string_view name) const;

  /// Body of POST /api/player/position: {"track_id": integer >= 0, "position": finite
  /// number >= 0, "preset": known preset, "intensity": number 0..1, "session_id": string
  /// (optional, null = absent), "next_track_id": integer >= 0 (optional, null = absent: the
  /// track the player goes on to)}. Other fields are ignored.
  actors::position_update position(const std::string& body);

  /// Body of POST /api/library/tracks: {"path": non-empty string}; the path itself is
  /// judged by the library.
  std::string library_path(const std::string& body);

  /// Body of PUT /api/predictor/learning: {"enabled": boolean}.
  bool learning(const std::string& body);

  /// The known preset names, in file order.
  const std::vector<std::string>& presets() const noexcept { return presets_; }

private:
  simdjson::dom::object parse_object(const std::string& body);

  std::vector<std::string> presets_;
  simdjson::dom::parser parser_;
};

} // namespace auralis::http
