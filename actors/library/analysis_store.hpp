#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "actors/pool/jobs.hpp"
#include "config/preset.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace auralis::actors {

/// What a stored analysis was measured on: the file (absolute path and signature) and
/// what the measurement depends on (analysis_dependencies). A stored analysis answers only
/// a lookup whose four fields all match.
struct analysis_store_key {
  std::string path;              ///< absolute path of the source file
  std::uint64_t size = 0;        ///< bytes (codec::file_signature)
  std::int64_t mtime_ns = 0;     ///< modification time (codec::file_signature)
  std::uint64_t dependencies = 0;///< analysis_dependencies() of the presets and chunk length
};

/// A hash (64-bit FNV-1a) of everything an analysis depends on besides the file: every
/// preset's name and parameters, in order, the chunk length in 48 kHz frames, and the
/// version of the analysis itself. Changing any of them changes the hash, so analyses
/// stored under the old one are no longer found.
std::uint64_t analysis_dependencies(const config::preset_set& presets, std::int64_t chunk_frames);

/// Track analyses kept in an SQLite database file, keyed by analysis_store_key: one row
/// per source path (a new analysis of the same path replaces the old one), so a restart or
/// a rescan finds what was measured before, while a changed file or changed presets miss.
/// The values are stored in a binary form that keeps every double bit-exact.
/// The database runs in WAL mode with synchronous=NORMAL: a write is one short transaction
/// that does not wait for a disk flush; a power cut may lose the last analyses written,
/// never the database's consistency, and a lost analysis is simply measured again.
/// A file that is not a database, is corrupt (PRAGMA quick_check fails, at open or later
/// when a statement reports corruption) or has a schema version newer than this code
/// knows is renamed to "<file>.corrupt-<UTC timestamp>" (its -wal and -shm files are
/// removed) with one warning naming it, and a new, empty database is created in its place.
/// Not thread-safe: one owner (the library actor).
class analysis_store {
public:
  /// The schema version this code writes (PRAGMA user_version).
  static constexpr int schema_version = 1;

  /// Opens (creating the folder and the file when missing) the database at `file`. Throws
  /// std::runtime_error naming the file only when no usable database can be opened there
  /// even after moving a bad one aside (e.g. the folder is not writable).
  explicit analysis_store(std::string file);
  ~analysis_store();
  analysis_store(const analysis_store&) = delete;
  analysis_store& operator=(const analysis_store&) = delete;

  /// The stored analysis for exactly `key`, or nullopt (none, another signature or other
  /// dependencies, or an unreadable row, which is then deleted).
  std::optional<track_analysis> get(const analysis_store_key& key);

  /// Stores `analysis` for `key`, replacing whatever was stored for key.path, in one
  /// transaction. False (with a warning) when it could not be written.
  bool put(const analysis_store_key& key, const track_analysis& analysis);

  /// Forgets what is stored for `path`; false when it could not be deleted.
  bool remove(const std::string& path);

  /// Rows stored (any signature, any dependencies).
  std::size_t size();

  /// The database file.
  const std::string& file() const noexcept { return file_; }

  /// Where the last bad database was moved (empty if none was), for logs and tests.
  const std::string& moved_aside() const noexcept { return moved_aside_; }

private:
  struct db_closer {
    void operator()(sqlite3* db) const noexcept;
  };
  struct statement_finalizer {
    void operator()(sqlite3_stmt* s) const noexcept;
  };
  using statement = std::unique_ptr<sqlite3_stmt, statement_finalizer>;

  /// Opens the file and checks it; false (with `why`) when it is not a usable database.
  bool try_open(std::string& why);
  /// Closes the database, renames the file aside, warns, and opens a fresh one.
  void move_aside_and_rebuild(const std::string& why);
  /// After a failed statement: rebuilds the database when `rc` reports corruption.
  void check_corruption(int rc);
  /// Prepares `sql` on the open database; throws std::runtime_error on failure.
  statement prepare(const char* sql);
  /// Runs `sql` (no results); throws std::runtime_error on failure.
  void exec(const char* sql);

  std::string file_;
  std::string moved_aside_;
  std::unique_ptr<sqlite3, db_closer> db_;
  statement get_, put_, remove_, count_, begin_, commit_, rollback_;
};

} // namespace auralis::actors
