#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/track_info.hpp"

namespace auralis::actors {

/// What a scan found.
struct scan_report {
  std::size_t tracks = 0;            ///< readable tracks now listed
  std::size_t added = 0;             ///< tracks that were not listed before
  std::size_t removed = 0;           ///< tracks listed before whose file is gone
  std::vector<std::string> skipped;  ///< "<path>: <reason>" per audio file that failed to open
};

/// The track library without an actor: finds audio files under a root folder, reads their
/// headers, and gives each a stable id. Ids are kept in a JSON file keyed by the file's
/// absolute path, written atomically, so a file keeps its id across restarts and rescans,
/// and an id is never reused for another file. Not thread-safe.
class track_catalog {
public:
  /// `root`: library folder, scanned recursively. `ids_file`: where ids persist (created on
  /// first scan). `chunk_frames`: 48 kHz frames per chunk, for track_info::chunks.
  track_catalog(std::string root, std::string ids_file, std::int64_t chunk_frames);

  /// File name endings (lower case, with dot) taken as audio: .wav .flac .ogg .oga .opus
  /// .mp3 .aif .aiff .w64.
  static bool is_audio_name(const std::string& file_name);

  /// Rescans the root: lists every readable audio file, skips unreadable ones (reported,
  /// never thrown), and saves new ids. Throws std::runtime_error only when the root folder
  /// cannot be listed or the ids file cannot be written.
  scan_report scan();

  /// Tracks by ascending id.
  std::vector<track_info> list() const;

  /// The track with `id`, or nullopt.
  std::optional<track_info> find(std::int64_t id) const;

  /// The library root (absolute).
  const std::string& root() const noexcept { return root_; }

private:
  void load_ids();
  void save_ids() const;
  std::int64_t id_for(const std::string& abs_path, bool& is_new);

  std::string root_;
  std::string ids_file_;
  std::int64_t chunk_frames_;
  std::map<std::string, std::int64_t> ids_;   ///< absolute path -> id, every path ever seen
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, track_info> tracks_; ///< readable tracks by id
};

/// Human title from a file name: drops the extension and a leading track number, turns
/// '-' and '_' into spaces and capitalises words ("01-ambient-drift.flac" -> "Ambient Drift").
std::string title_from_file_name(const std::string& file_name);

} // namespace auralis::actors
