#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace auralis::actors {

/// Longest session id the engine accepts, in bytes: the API, the predictor and the
/// planner all hold ids to it.
inline constexpr std::size_t max_session_id_bytes = 128;

/// Whether `id` holds a control character (a byte below 0x20, or 0x7f), which no session
/// id may.
inline bool has_control_characters(std::string_view id) noexcept {
  return std::any_of(id.begin(), id.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

/// Whether `id` may name a session: at most max_session_id_bytes, no control characters.
/// Empty passes (the engine's default session); the API asks for one byte at least.
inline bool valid_session_id(std::string_view id) noexcept {
  return id.size() <= max_session_id_bytes && !has_control_characters(id);
}

} // namespace auralis::actors
