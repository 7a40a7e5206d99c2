#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "actors/pool/jobs.hpp"

namespace auralis::actors {

/// A worker process's copies of the engine's source files, in one folder, at most
/// `limit_bytes` of them (the least recently used go first; one file larger than the limit
/// is still kept, alone). A copy is named by the file's path, size and modification time,
/// keeps its extension (decoders choose by it) and gets the original's modification time,
/// so the job runner's check that a file is still the one listed holds for the copy.
/// Thread-safe: the worker's job actors share it.
class file_cache {
public:
  /// A cache in `dir` (created; copies a previous run left there are removed).
  file_cache(std::string dir, std::uint64_t limit_bytes);

  /// The path of the copy of `source`, or nullopt when none is held.
  std::optional<std::string> find(const source_ref& source);

  /// Writes `size` bytes at `data` as the copy of `source` and returns its path; evicts
  /// the least recently used copies over the limit. Throws std::runtime_error naming the
  /// file when it cannot be written, or when `size` is not source.size.
  std::string store(const source_ref& source, const std::uint8_t* data, std::uint64_t size);

  /// Bytes held.
  std::uint64_t bytes() const;

  /// Copies held.
  std::size_t files() const;

private:
  std::string name_of(const source_ref& source) const;

  const std::string dir_;
  const std::uint64_t limit_;
  mutable std::mutex mutex_;
  std::list<std::string> lru_; ///< names, most recently used first
  std::map<std::string, std::pair<std::list<std::string>::iterator, std::uint64_t>> held_;
  std::uint64_t bytes_ = 0;
};

} // namespace auralis::actors
