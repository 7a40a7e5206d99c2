#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

namespace auralis::actors {

/// One track of the library, as the library actor reports it.
struct track_info {
  std::int64_t id = 0;          ///< stable id (kept in the data folder across restarts)
  std::string path;             ///< relative to the library root, '/' separated
  std::string abs_path;         ///< absolute path, for the workers that open the file
  std::string title;            ///< from the file name
  std::string format;           ///< container/codec, e.g. "FLAC"
  double duration_s = 0;        ///< on the 48 kHz timeline
  std::int64_t frames = 0;      ///< 48 kHz frames
  std::int64_t chunks = 0;      ///< chunks of the configured length (last may be short)
  std::int32_t sample_rate = 0; ///< source rate, Hz
  std::int32_t channels = 0;    ///< source channels
  std::uint64_t size = 0;       ///< file size, bytes (part of the signature)
  std::int64_t mtime_ns = 0;    ///< modification time (part of the signature)
};

/// CAF serialisation of track_info.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, track_info& x) {
  return f(caf::meta::type_name("track_info"), x.id, x.path, x.abs_path, x.title, x.format,
           x.duration_s, x.frames, x.chunks, x.sample_rate, x.channels, x.size, x.mtime_ns);
}

} // namespace auralis::actors
