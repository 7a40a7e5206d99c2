#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/make_message.hpp>

namespace auralis::actors {

/// Errors the engine's actors answer with (CAF error category "auralis").
enum class engine_errc : std::uint8_t {
  unknown_track = 1, ///< no track has that id
  unknown_chunk,     ///< the chunk index is past the end of the track
  unknown_preset,    ///< no preset has that name
  invalid_argument,  ///< a request field is out of range
  unreadable_file,   ///< the track's file cannot be opened or decoded
  too_large,         ///< an entry is larger than a whole tier's budget
  not_found,         ///< the thing asked for does not exist
  io_failure,        ///< the data folder cannot be read or written
  corrupt_entry,     ///< a cached blob failed validation
  timed_out,         ///< a job did not finish within its priority's timeout
  worker_failed,     ///< the worker running a job died
  source_changed,    ///< the track's file changed since it was listed (size or mtime)
  cancelled,         ///< the job was dropped before it ran (stale or its track removed)
  overloaded,        ///< refused or shed because the pool cannot keep up; retry later
};

/// CAF category atom of engine_errc.
inline constexpr caf::atom_value engine_error_category = caf::atom("auralis");

/// Name of `e` ("unknown_track", ...).
inline std::string to_string(engine_errc e) {
  switch (e) {
    case engine_errc::unknown_track: return "unknown_track";
    case engine_errc::unknown_chunk: return "unknown_chunk";
    case engine_errc::unknown_preset: return "unknown_preset";
    case engine_errc::invalid_argument: return "invalid_argument";
    case engine_errc::unreadable_file: return "unreadable_file";
    case engine_errc::too_large: return "too_large";
    case engine_errc::not_found: return "not_found";
    case engine_errc::io_failure: return "io_failure";
    case engine_errc::corrupt_entry: return "corrupt_entry";
    case engine_errc::timed_out: return "timed_out";
    case engine_errc::worker_failed: return "worker_failed";
    case engine_errc::source_changed: return "source_changed";
    case engine_errc::cancelled: return "cancelled";
    case engine_errc::overloaded: return "overloaded";
  }
  return "unknown";
}

/// An engine error with a human-readable detail (becomes the HTTP `detail`).
inline caf::error make_engine_error(engine_errc e, std::string detail) {
  return caf::error(static_cast<std::uint8_t>(e), engine_error_category,
                    caf::make_message(std::move(detail)));
}

/// An engine_errc::overloaded error whose detail is `detail` and which suggests retrying
/// after `retry_after_s` seconds (>= 1; see engine_retry_after_of).
inline caf::error make_overload_error(std::string detail, std::uint32_t retry_after_s) {
  return caf::error(static_cast<std::uint8_t>(engine_errc::overloaded), engine_error_category,
                    caf::make_message(std::move(detail), retry_after_s < 1 ? 1u : retry_after_s));
}

/// The engine_errc of `err`, or nullopt-like 0 when it is not an engine error.
inline std::uint8_t engine_code_of(const caf::error& err) {
  return err.category() == engine_error_category ? err.code() : 0;
}

/// The detail text of an engine error (empty when there is none).
inline std::string engine_detail_of(const caf::error& err) {
  const auto& ctx = err.context();
  if (ctx.size() >= 1 && ctx.match_element<std::string>(0))
    return ctx.get_as<std::string>(0);
  return {};
}

/// The seconds after which an overloaded engine error suggests retrying (0 when `err` does
/// not carry one, e.g. any error not made by make_overload_error).
inline std::uint32_t engine_retry_after_of(const caf::error& err) {
  const auto& ctx = err.context();
  if (err.category() == engine_error_category && ctx.size() == 2 &&
      ctx.match_element<std::uint32_t>(1))
    return ctx.get_as<std::uint32_t>(1);
  return 0;
}

} // namespace auralis::actors
