#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/library/track_info.hpp"

namespace auralis::actors {

/// What a scan found.
struct scan_report {
  std::size_t tracks = 0;            ///< readable tracks now listed
  std::size_t added = 0;             ///< tracks that were not listed before
  std::size_t removed = 0;           ///< tracks listed before whose file is gone
  std::vector<std::string> skipped;  ///< "<path>: <reason>" per audio file that failed to open
};

/// Outcome of track_catalog::add.
enum class add_status : std::uint8_t {
  added,        ///< the file is now listed (under a new id, or the id it had before)
  existing,     ///< the file was listed already; its track is returned unchanged
  invalid_path, ///< outside the root (also through a symlink), not a regular file, or not an audio name
  unreadable,   ///< libsndfile cannot open or read it
};

/// What add() did, with the track when there is one.
struct add_result {
  add_status status = add_status::invalid_path;
  std::optional<track_info> track; ///< set for added and existing
  std::string detail;              ///< why, for invalid_path and unreadable
};

/// Outcome of track_catalog::refresh.
enum class refresh_status : std::uint8_t {
  unchanged, ///< size and mtime as listed
  changed,   ///< the file changed: re-read (new signature, duration, chunks)
  vanished,  ///< the file is gone; the track left the listing
  unreadable,///< the file changed and cannot be read any more; the track left the listing
  unknown,   ///< no track is listed with that id
};

/// What refresh() found, with the (possibly updated) track when it is still listed.
struct refresh_result {
  refresh_status status = refresh_status::unknown;
  std::optional<track_info> track; ///< set for unchanged and changed
  std::string detail;              ///< why, for vanished and unreadable
};

/// The track library without an actor: finds audio files under a root folder, reads their
/// headers, and gives each a stable id. Ids are kept in a JSON file keyed by the file's
/// absolute path, written atomically, so a file keeps its id across restarts and rescans,
/// and an id is never reused for another file. Tracks can also be added one by one and
/// removed; a removed file stays out of later scans (also across restarts) until it is
/// added again. Not thread-safe.
class track_catalog {
public:
  /// The largest id a file gets (2^53: every JSON client reads it exactly). An ids file
  /// whose next_id is past max_track_id + 1 is corrupt; once ids run out, new files are
  /// refused (scan skips them, add throws).
  static constexpr std::int64_t max_track_id = std::int64_t{1} << 53;

  /// `root`: library folder, scanned recursively. `ids_file`: where ids persist (created on
  /// first scan). `chunk_frames`: 48 kHz frames per chunk, for track_info::chunks.
  track_catalog(std::string root, std::string ids_file, std::int64_t chunk_frames);

  /// File name endings (lower case, with dot) taken as audio: .wav .flac .ogg .oga .opus
  /// .mp3 .aif .aiff .w64.
  static bool is_audio_name(const std::string& file_name);

  /// Rescans the root: lists every readable audio file, skips unreadable ones and, once ids
  /// have run out, new ones (reported, never thrown), and saves new ids. Throws
  /// std::runtime_error only when the root folder cannot be listed or the ids file cannot
  /// be written.
  scan_report scan();

  /// Adds the file at `relative_path` (relative to the root; '..' allowed as long as the
  /// result stays inside). Refused (invalid_path) when the path, after
  /// std::filesystem::weakly_canonical (which resolves symlinks), is not inside the root's
  /// canonical path, is not a regular file, or does not have an audio name; unreadable when
  /// libsndfile cannot open it. A path already listed answers existing with its track. A
  /// file seen before gets its old id back. Throws std::runtime_error only when the ids
  /// file cannot be written or a new file needs an id and none is left (max_track_id).
  add_result add(const std::string& relative_path);

  /// Removes track `id` from the listing and keeps its file out of later scans; returns
  /// the removed track, or nullopt when none is listed with that id. The id is never given
  /// to another file. Throws std::runtime_error only when the ids file cannot be written.
  std::optional<track_info> remove(std::int64_t id);

  /// Re-stats track `id`'s file: unchanged, changed (header re-read, the listing updated:
  /// new size, mtime, frames, duration, chunks), vanished or unreadable (both: the track
  /// leaves the listing but keeps its id for when the file returns), or unknown.
  refresh_result refresh(std::int64_t id);

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
  track_info read_track(const std::string& abs_path, std::int64_t id) const;

  std::string root_;
  std::string ids_file_;
  std::int64_t chunk_frames_;
  std::map<std::string, std::int64_t> ids_;   ///< absolute path -> id, every path ever seen
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, track_info> tracks_; ///< readable tracks by id
  std::set<std::string> removed_;             ///< absolute paths removed, kept out of scans
};

/// Human title from a file name: drops the extension and a leading track number, turns
/// '-' and '_' into spaces and capitalises words ("01-ambient-drift.flac" -> "Ambient Drift").
std::string title_from_file_name(const std::string& file_name);

} // namespace auralis::actors
