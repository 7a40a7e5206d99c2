#pragma once

#include <functional>
#include <string>

namespace auralis::actors {

/// How a model load went.
enum class load_outcome {
  fresh,       ///< no model file: start with nothing learned
  loaded,      ///< the file was read and applied
  moved_aside, ///< the file was unreadable or corrupt: moved aside, start fresh
};

/// Where the predictor's model lives on disk, and how it is written and read: one JSON
/// file replaced atomically (temporary file, fsync, rename). Not thread-safe.
class model_store {
public:
  /// The model file `<data_dir>/predictor-model.json`.
  static std::string default_path(const std::string& data_dir);

  /// A store for the file at `path`.
  explicit model_store(std::string path) : path_(std::move(path)) {}

  /// Replaces the file with `json` (plus a final newline), atomically; creates the folder
  /// if needed. Throws std::runtime_error naming the file when it cannot be written.
  void save(const std::string& json) const;

  /// Reads the file and hands its text to `apply`. Missing file: fresh, `apply` is not
  /// called. When the file cannot be read or `apply` throws (corrupt content), the file is
  /// moved aside as "<path>.corrupt-<unix seconds>" with a warning in the log, and the
  /// answer is moved_aside (then moved_to() names the new file). Throws
  /// std::runtime_error only when a corrupt file cannot be moved aside.
  load_outcome load(const std::function<void(const std::string&)>& apply);

  /// The model file.
  const std::string& path() const noexcept { return path_; }

  /// Where the last load moved a corrupt file (empty when none was moved).
  const std::string& moved_to() const noexcept { return moved_to_; }

private:
  std::string path_;
  std::string moved_to_;
};

} // namespace auralis::actors
